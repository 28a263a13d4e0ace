package dev.supportpacket.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A JVM of its own per case, as attach.jar runs: the directive is global to a JVM, and this one runs the other
 * tests. What the JVM does is read from outside with the JDK's jcmd.
 */
class CompilerLimitTest {
  private static final String OPENS = "--add-opens=jdk.management/com.sun.management.internal=ALL-UNNAMED";

  @Test
  void withItsPackageOpenedAsTheManifestDoesTheJvmExcludesC2ForEveryMethod() throws Exception {
    Child child = Child.start(OPENS);
    try {
      assertTrue(child.answer.contains("1 compiler directives added"), child.answer);
      String directives = jcmd(child.process.pid(), "Compiler.directives_print");
      assertTrue(directives.contains("matching: *.*"), directives);
      assertTrue(directives.contains("Exclude:true"), "C2 excluded: " + directives);
      assertEquals(1, directives.split("matching: \\*\\.\\*", -1).length - 2,
          "one directive of ours beside the JVM's default, however often asked: " + directives);
    } finally {
      child.stop();
    }
  }

  @Test
  void withoutItOnlyTimeIsLostNothingIsThrownOrPrinted() throws Exception {
    Child child = Child.start();
    try {
      assertTrue(child.answer.startsWith("not limited: "), child.answer);
      assertFalse(jcmd(child.process.pid(), "Compiler.directives_print").contains("Exclude:true"));
    } finally {
      assertEquals("", child.stop(), "nothing else on stdout or stderr, which carry the packet's path and errors");
    }
  }

  /**
   * Calls {@link CompilerLimit#toC1} twice, as a bundle's packets would, prints the first answer on one line, and
   * waits until its stdin closes.
   */
  public static void main(String[] args) throws Exception {
    System.out.println(CompilerLimit.toC1().replace('\n', ' '));
    System.out.flush();
    CompilerLimit.toC1();
    System.in.read();
  }

  private static final class Child {
    final Process process;
    final String answer;
    private final BufferedReader out;

    private Child(Process process) throws Exception {
      this.process = process;
      this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      this.answer = out.readLine();
    }

    static Child start(String... jvmOptions) throws Exception {
      List<String> cmd = new ArrayList<>();
      cmd.add(java().toString());
      cmd.addAll(List.of(jvmOptions));
      cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), CompilerLimitTest.class.getName()));
      return new Child(new ProcessBuilder(cmd).redirectErrorStream(true).start());
    }

    /** Ends the JVM; returns what it printed after its answer. */
    String stop() throws Exception {
      process.getOutputStream().close();
      StringBuilder rest = new StringBuilder();
      for (String line; (line = out.readLine()) != null; ) {
        rest.append(line).append('\n');
      }
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
      return rest.toString();
    }
  }

  private static Path java() {
    return Paths.get(System.getProperty("java.home"), "bin", "java");
  }

  private static String jcmd(long pid, String command) throws Exception {
    Process p = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "jcmd").toString(),
        Long.toString(pid), command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "jcmd hung");
    return out;
  }
}
