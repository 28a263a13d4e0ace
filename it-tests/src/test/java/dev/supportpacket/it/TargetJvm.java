package dev.supportpacket.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A real child JVM running one of the test apps; killed on close, whatever happened. */
public final class TargetJvm implements AutoCloseable {
  private final Process process;
  private final List<String> output = Collections.synchronizedList(new ArrayList<>());

  private TargetJvm(Process process) {
    this.process = process;
  }

  /**
   * Starts {@code mainClass} from the test classes on {@code jdk} in {@code workDir} and waits for its ready line.
   *
   * @param jvmArgs extra JVM arguments (system properties, flags)
   */
  public static TargetJvm start(Jdk jdk, Class<?> mainClass, Path workDir, List<String> jvmArgs, Map<String, String> env,
      List<String> programArgs) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(jdk.tool("java").toString());
    cmd.add("-Xmx256m");
    cmd.addAll(jvmArgs);
    cmd.add("-cp");
    cmd.add(Paths.get(System.getProperty("appClasses")).toString());
    cmd.add(mainClass.getName());
    cmd.addAll(programArgs);
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true);
    pb.environment().putAll(env);
    TargetJvm t = new TargetJvm(pb.start());
    CompletableFuture<Boolean> ready = new CompletableFuture<>();
    Thread reader = new Thread(() -> t.pump(ready), "it-target-output-" + t.pid());
    reader.setDaemon(true);
    reader.start();
    try {
      if (!ready.get(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("target exited before it was ready: " + t.output);
      }
    } catch (Exception e) {
      t.close();
      throw e;
    }
    return t;
  }

  public static TargetJvm start(Jdk jdk, Class<?> mainClass, Path workDir) throws Exception {
    return start(jdk, mainClass, workDir, List.of(), Map.of(), List.of());
  }

  private void pump(CompletableFuture<Boolean> ready) {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        output.add(line);
        if (line.equals("ready")) {
          ready.complete(true);
        }
      }
    } catch (IOException e) {
      // the process went away
    }
    ready.complete(false);
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Everything the target printed on stdout and stderr so far. */
  public List<String> output() {
    synchronized (output) {
      return List.copyOf(output);
    }
  }

  @Override
  public void close() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
