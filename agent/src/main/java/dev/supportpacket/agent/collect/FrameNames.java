package dev.supportpacket.agent.collect;

import java.util.regex.Pattern;

/**
 * Frame names normalised for grouping: hidden classes (lambdas, method handles) carry their address and a counter
 * that differ between runs and between JDKs ({@code Foo$$Lambda$485/0x0000000800c9b440} on JDK 17,
 * {@code Foo$$Lambda/0x…} on 21+, {@code Foo$$Lambda$1+0x00007f03a4000a08.2060468723} in JFR on 17): all become
 * {@code Foo$$Lambda}, so the same code folds into one stack in every packet.
 */
public final class FrameNames {
  private static final Pattern LAMBDA_COUNTER = Pattern.compile("\\$\\$Lambda\\$\\d+");
  /** The address of a hidden class and, in JFR on JDK 17, the number that follows it. */
  private static final Pattern HIDDEN_SUFFIX = Pattern.compile("[/+]0x[0-9a-fA-F]+(?:[./]\\d+)?");

  private FrameNames() {}

  /** The class name (or a whole frame) without hidden-class addresses and lambda counters. */
  public static String normalise(String name) {
    if (name.indexOf("0x") < 0 && name.indexOf("$$Lambda$") < 0) {
      return name;
    }
    String s = HIDDEN_SUFFIX.matcher(name).replaceAll("");
    return LAMBDA_COUNTER.matcher(s).replaceAll("\\$\\$Lambda");
  }

  /** A stack frame as {@code pkg.Class.method(File.java:12)}, its class name normalised. */
  public static String of(StackTraceElement e) {
    StringBuilder sb = new StringBuilder(normalise(e.getClassName())).append('.').append(e.getMethodName());
    if (e.isNativeMethod()) {
      sb.append("(Native Method)");
    } else if (e.getFileName() != null && e.getLineNumber() >= 0) {
      sb.append('(').append(e.getFileName()).append(':').append(e.getLineNumber()).append(')');
    } else if (e.getFileName() != null) {
      sb.append('(').append(e.getFileName()).append(')');
    } else {
      sb.append("(Unknown Source)");
    }
    return sb.toString();
  }
}
