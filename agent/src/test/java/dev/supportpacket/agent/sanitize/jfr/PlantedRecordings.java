package dev.supportpacket.agent.sanitize.jfr;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jdk.jfr.Configuration;
import javax.tools.ToolProvider;
import jdk.jfr.Recording;

/**
 * Produces recordings the way a target JVM does: the application runs its own "default" recording, we run one with
 * only execution samples, and thread names and a system property hold planted secrets.
 */
final class PlantedRecordings {
  static final String THREAD_SECRET = "PLANTED-S3cr3tValue";
  static final String PROPERTY_SECRET = "PLANTED-Pr0pV4lue-77";
  static final String BUSY_THREAD = "worker-" + THREAD_SECRET;
  static final String SLEEPING_THREAD = "sleeper-" + THREAD_SECRET;
  static final String PROPERTY = "test.planted.password";
  static final String ENVIRONMENT_SECRET = "PLANTED-3nvV4lue-99";
  static final String ENVIRONMENT = "PLANTED_TOKEN";
  static final Path TEMURIN_25 = dev.supportpacket.agent.InstalledJdks.byVersion(25);

  // 2 ms as the product uses on JDK 17, whose sampler falls far behind longer periods under load.
  private static final Duration SAMPLE_PERIOD = Duration.ofMillis(2);

  private PlantedRecordings() {}

  /**
   * Records in this JVM (its start-up properties hold no planted secret: only the thread names do) for about {@code 2 * halfMillis} and dumps our recording. A third recording is started
   * half way: starting a recording rotates the chunk, so the dump holds at least two chunks.
   */
  static Path recordHere(Path dir, long halfMillis) throws Exception {
    Path raw = dir.resolve("raw-here.jfr");
    Thread busy = new Thread(PlantedRecordings::burnCpu, BUSY_THREAD);
    Thread sleeper = new Thread(PlantedRecordings::sleep, SLEEPING_THREAD);
    busy.setDaemon(true);
    sleeper.setDaemon(true);
    try (Recording application = new Recording(Configuration.getConfiguration("default"));
        Recording ours = new Recording()) {
      application.setName("application");
      application.start();
      ours.setName("ours");
      ours.enable("jdk.ExecutionSample").withPeriod(SAMPLE_PERIOD);
      ours.start();
      busy.start();
      sleeper.start();
      Thread.sleep(halfMillis);
      try (Recording rotate = new Recording()) {
        rotate.start();
      }
      Thread.sleep(halfMillis);
      ours.stop();
      ours.dump(raw);
    } finally {
      busy.interrupt();
      sleeper.interrupt();
    }
    return raw;
  }

  /**
   * Starts a child JVM that records the same way and dumps to {@code dir/raw-<name>.jfr}. Only a child can plant
   * secrets in what JFR reports about the JVM's start (initial system properties, JVM arguments, environment).
   */
  static Process startChild(Path javaHome, Path dir, String name) throws IOException {
    Path java = javaHome.resolve("bin/java");
    if (!Files.isExecutable(java)) {
      throw new IllegalStateException("this test needs a JDK at " + javaHome + ", it is missing");
    }
    Path source = dir.resolve("Rec.java");
    if (!Files.exists(dir.resolve("Rec.class"))) {
      Files.write(source, List.of(
          "import java.nio.file.Path;",
          "import java.time.Duration;",
          "import jdk.jfr.Configuration;",
          "import jdk.jfr.Recording;",
          "public class Rec {",
          "  public static void main(String[] a) throws Exception {",
          "    Recording app = new Recording(Configuration.getConfiguration(\"default\"));",
          "    app.start();",
          // Let the application's start-of-chunk events (properties, environment) land before we rotate.
          "    Thread.sleep(200);",
          "    Recording ours = new Recording();",
          "    ours.enable(\"jdk.ExecutionSample\").withPeriod(Duration.ofMillis(2));",
          "    ours.start();",
          "    Thread busy = new Thread(() -> { long x = 0; while (x >= 0) { x += System.nanoTime() % 7; } },",
          "        \"" + BUSY_THREAD + "\");",
          "    Thread sleeper = new Thread(() -> { try { Thread.sleep(60_000); } catch (InterruptedException e) { } },",
          "        \"" + SLEEPING_THREAD + "\");",
          "    busy.setDaemon(true);",
          "    sleeper.setDaemon(true);",
          "    busy.start();",
          "    sleeper.start();",
          "    Thread.sleep(750);",
          "    try (Recording rotate = new Recording()) { rotate.start(); }",
          "    Thread.sleep(750);",
          "    ours.stop();",
          "    ours.dump(Path.of(a[0]));",
          "  }",
          "}"), StandardCharsets.UTF_8);
      // Compiled once here rather than source-launched by each child: that costs each child a second of CPU.
      int rc = ToolProvider.getSystemJavaCompiler().run(null, null, null, "--release", "17", "-d", dir.toString(),
          source.toString());
      if (rc != 0) {
        throw new IllegalStateException("could not compile " + source);
      }
    }
    ProcessBuilder pb = new ProcessBuilder(java.toString(), "-D" + PROPERTY + "=" + PROPERTY_SECRET,
        "-XX:TieredStopAtLevel=1", "-cp", dir.toString(), "Rec", dir.resolve("raw-" + name + ".jfr").toString());
    pb.environment().put(ENVIRONMENT, ENVIRONMENT_SECRET);
    return pb.redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile()).start();
  }

  static Path awaitChild(Process p, Path dir, String name) throws Exception {
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(name + " recording did not finish within 60 s");
    }
    if (p.exitValue() != 0) {
      throw new AssertionError(name + " recording failed: "
          + Files.readString(dir.resolve(name + ".log"), StandardCharsets.UTF_8));
    }
    return dir.resolve("raw-" + name + ".jfr");
  }

  private static void burnCpu() {
    long x = 0;
    while (!Thread.currentThread().isInterrupted()) {
      x += System.nanoTime() % 7;
    }
    if (x == 42) {
      System.out.print("");
    }
  }

  private static void sleep() {
    try {
      Thread.sleep(60_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
