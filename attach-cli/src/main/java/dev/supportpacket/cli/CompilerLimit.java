package dev.supportpacket.cli;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Keeps this process's JIT to C1 from the moment it is called, as {@code -XX:TieredStopAtLevel=1} would from the
 * start (a flag that {@code java -jar attach.jar} cannot carry): C2 is excluded by a compiler directive for every
 * method, and a method C2 may not compile is compiled by C1 without profiling instead.
 *
 * <p>Why: this process lives for one packet and its reading code runs a handful of times. After the recording's
 * stop, C2's compiles of it took 30-50% of a core on the 2-core test machine (per-thread CPU from /proc), beside a
 * target busy on the other, and our own reading waited for the core. bench/cli-jit.sh, 8 warm packets each,
 * interleaved, medians: after the stop 368 against 288 ms on JDK 17 (the flag itself: 252), 400 against 324 on
 * JDK 25 (326); the whole packet 5.79 against 5.69 s and 5.82 against 5.74 s.
 *
 * <p>The directive is added through the JVM's own diagnostic command ({@code Compiler.directives_add}), reached
 * directly: the platform MBean server took 250-400 ms to start for that alone. The JDK class that runs diagnostic
 * commands is internal; attach.jar's manifest opens its package to us ({@code Add-Opens}). Only this process is
 * affected, never the target. Anything that fails costs only time: the JIT stays as it was.
 */
final class CompilerLimit {
  private static final String DIRECTIVE = "[{ match: \"*.*\", c2: { Exclude: true } }]";
  private static final String IMPL = "com.sun.management.internal.DiagnosticCommandImpl";
  /**
   * Whether this JVM was asked already: its directives are one stack for the whole JVM, and a bundle's packets (one
   * CLI, many targets) would each push the same directive again, up to the JVM's limit.
   */
  private static final AtomicBoolean ASKED = new AtomicBoolean();

  private CompilerLimit() {}

  /**
   * Excludes C2 in this JVM; returns what the JVM answered, or why it could not be asked. Asks once per JVM; later
   * calls return at once.
   */
  static String toC1() {
    if (ASKED.getAndSet(true)) {
      return "asked before";
    }
    Path file = null;
    try {
      file = Files.createTempFile("support-packet-jit-", ".json");
      Files.write(file, DIRECTIVE.getBytes(StandardCharsets.UTF_8));
      return diagnosticCommand("Compiler.directives_add " + file).trim();
    } catch (IOException | ReflectiveOperationException | RuntimeException | LinkageError e) {
      return "not limited: " + e;
    } finally {
      if (file != null) {
        try {
          Files.deleteIfExists(file);
        } catch (IOException ignored) {
          // a directive file of a few bytes left in the temporary directory
        }
      }
    }
  }

  /** Runs a diagnostic command in this JVM, as {@code jcmd <pid> command} would, and returns its output. */
  private static String diagnosticCommand(String command) throws ReflectiveOperationException {
    // Its static setup loads the native library that runs diagnostic commands.
    Class.forName("com.sun.management.internal.PlatformMBeanProviderImpl", true, ClassLoader.getSystemClassLoader());
    Class<?> impl = Class.forName(IMPL, true, ClassLoader.getSystemClassLoader());
    Method instance = impl.getDeclaredMethod("getDiagnosticCommandMBean");
    instance.setAccessible(true);
    Method execute = impl.getDeclaredMethod("executeDiagnosticCommand", String.class);
    execute.setAccessible(true);
    return String.valueOf(execute.invoke(instance.invoke(null), command));
  }
}
