package dev.supportpacket.agent.findings.model;

import java.util.List;
import java.util.regex.Pattern;

/** Stack frames as the rules compare them: module prefixes and lambda addresses removed. */
public final class Frames {
  /** JDK 17 {@code Foo$$Lambda$485+0x00007f….123.run}, JDK 21+ {@code Foo$$Lambda/0x….run}: one name per lambda site. */
  private static final Pattern LAMBDA = Pattern.compile("\\$\\$Lambda(?:\\$\\d+)?(?:[+/]0x[0-9a-fA-F]+)?(?:\\.\\d+)?");

  /** Frames of waiting that say nothing of who waits (the pool's own idle wait, the JDK's lock plumbing). */
  private static final List<String> PLUMBING = List.of("java.", "javax.", "jdk.", "sun.", "com.sun.", "kotlin.",
      "kotlinx.", "scala.", "org.springframework.", "org.apache.tomcat.", "org.eclipse.jetty.", "io.netty.",
      "io.undertow.", "org.jboss.", "ch.qos.logback.", "org.apache.logging.", "org.slf4j.", "com.zaxxer.hikari.");

  private Frames() {}

  /** {@code java.base@17/java.lang.Thread.sleep(Native Method)} → {@code java.lang.Thread.sleep(Native Method)}. */
  public static String normalize(String frame) {
    // Lambda addresses first: JDK 21+ writes them with a '/', which is also the module prefix's separator.
    String f = LAMBDA.matcher(frame.trim()).replaceAll("\\$\\$Lambda");
    int paren = f.indexOf('(');
    int slash = f.lastIndexOf('/', paren < 0 ? f.length() : paren);
    return slash >= 0 && !f.startsWith("[") ? f.substring(slash + 1) : f;
  }

  /** {@code pkg.Class.method(File.java:12)} → {@code pkg.Class.method}. */
  public static String method(String frame) {
    int paren = frame.indexOf('(');
    return paren < 0 ? frame : frame.substring(0, paren);
  }

  /** {@code pkg.Outer$Inner.method(…)} → {@code Outer$Inner.method(…)}: short enough for a title. */
  public static String shortName(String frame) {
    String m = method(frame);
    int dot = m.lastIndexOf('.');
    int prev = dot <= 0 ? -1 : m.lastIndexOf('.', dot - 1);
    return frame.substring(prev + 1);
  }

  /** True for a frame of the JDK or a common framework: not where an application's own wait starts. */
  public static boolean isPlumbing(String frame) {
    for (String p : PLUMBING) {
      if (frame.startsWith(p)) {
        return true;
      }
    }
    return false;
  }

  /** The first frame of {@code stack} (top first) that is the application's own, or the top frame; "" when empty. */
  public static String firstOwn(List<String> stack) {
    for (String f : stack) {
      if (!isPlumbing(f)) {
        return f;
      }
    }
    return stack.isEmpty() ? "" : stack.get(0);
  }

  /** Whether a frame of {@code stack} is one of {@code methods}, given whole or by their last name parts. */
  public static boolean contains(List<String> stack, List<String> methods) {
    for (String f : stack) {
      String m = method(f);
      for (String x : methods) {
        if (m.equals(x) || m.endsWith("." + x)) {
          return true;
        }
      }
    }
    return false;
  }

  /** {@code pool-12-thread-3} → {@code pool-#-thread-#}: threads of one pool share the masked name. */
  public static String poolName(String threadName) {
    return threadName.replaceAll("\\d+", "#");
  }
}
