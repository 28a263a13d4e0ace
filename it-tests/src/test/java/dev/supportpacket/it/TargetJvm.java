package dev.supportpacket.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A real child JVM running one of the test apps; killed on close, whatever happened. Its stdout and stderr go to a
 * file outside its working directory, as with {@code java … > app.out 2>&1}: that is a log the packet collects.
 */
public final class TargetJvm implements AutoCloseable {
  private final Process process;
  private final Path outputFile;
  private final List<String> output = Collections.synchronizedList(new ArrayList<>());

  private TargetJvm(Process process, Path outputFile) {
    this.process = process;
    this.outputFile = outputFile;
  }

  /**
   * Starts {@code mainClass} from the test classes on {@code jdk} in {@code workDir} and waits for its ready line.
   *
   * @param jvmArgs extra JVM arguments (system properties, flags)
   */
  public static TargetJvm start(Jdk jdk, Class<?> mainClass, Path workDir, List<String> jvmArgs, Map<String, String> env,
      List<String> programArgs) throws Exception {
    return start(jdk, List.of(), mainClass, workDir, jvmArgs, env, programArgs);
  }

  /**
   * Like {@link #start(Jdk, Class, Path, List, Map, List)}, with the jars of {@code libDirs} on the class path after
   * the test classes: the libraries an app needs that the tests themselves must not see.
   */
  public static TargetJvm start(Jdk jdk, List<Path> libDirs, Class<?> mainClass, Path workDir, List<String> jvmArgs,
      Map<String, String> env, List<String> programArgs) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(jdk.tool("java").toString());
    cmd.add("-Xmx256m");
    cmd.addAll(jvmArgs);
    cmd.add("-cp");
    StringBuilder cp = new StringBuilder(Paths.get(System.getProperty("appClasses")).toString());
    for (Path dir : libDirs) {
      cp.append(java.io.File.pathSeparator).append(dir.toAbsolutePath()).append("/*");
    }
    cmd.add(cp.toString());
    cmd.add(mainClass.getName());
    cmd.addAll(programArgs);
    Path out = Files.createTempFile("it-target-", ".out");
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true)
        .redirectOutput(out.toFile());
    pb.environment().putAll(env);
    TargetJvm t;
    try {
      t = new TargetJvm(pb.start(), out);
    } catch (IOException e) {
      Files.deleteIfExists(out);
      throw e;
    }
    CompletableFuture<Boolean> ready = new CompletableFuture<>();
    Thread reader = new Thread(() -> t.pump(ready), "it-target-output-" + t.pid());
    reader.setDaemon(true);
    reader.start();
    try {
      // Generous: Spring Boot on two cores shared with parallel tests and builds can take tens of seconds.
      if (!ready.get(120, TimeUnit.SECONDS)) {
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

  /** Follows the output file line by line until the process has exited and everything is read. */
  private void pump(CompletableFuture<Boolean> ready) {
    try (InputStream in = Files.newInputStream(outputFile)) {
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      while (true) {
        boolean alive = process.isAlive();
        int n = in.read(buf);
        if (n < 0) {
          if (!alive) {
            break;
          }
          Thread.sleep(20);
          continue;
        }
        for (int i = 0; i < n; i++) {
          if (buf[i] == '\n') {
            String l = line.toString(StandardCharsets.UTF_8);
            line.reset();
            output.add(l);
            if (l.equals("ready")) {
              ready.complete(true);
            }
          } else {
            line.write(buf[i]);
          }
        }
      }
    } catch (IOException e) {
      // the file went away
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    ready.complete(false);
  }

  /** The file the target's stdout and stderr go to. */
  public Path outputFile() {
    return outputFile;
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
    try {
      Files.deleteIfExists(outputFile);
    } catch (IOException e) {
      // a temp file; nothing depends on it
    }
  }
}
