package dev.supportpacket.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the built attach.jar as a user would, on the default java. */
public final class Cli {
  private Cli() {}

  public static Result run(String... args) throws Exception {
    return runIn(Paths.get("").toAbsolutePath(), args);
  }

  public static Result runIn(Path dir, String... args) throws Exception {
    return runIn(dir, 180, args);
  }

  /** As {@link #runIn(Path, String...)}, waiting up to {@code waitSeconds} (a busy target on a loaded machine). */
  public static Result runIn(Path dir, int waitSeconds, String... args) throws Exception {
    return runWatching(dir, waitSeconds, pid -> { }, args);
  }

  /**
   * As {@link #run(String...)}; {@code watch} is given the CLI's pid on a thread of its own while the CLI runs, and
   * the CLI's result is returned once both ended.
   */
  public static Result runWatching(Watch watch, String... args) throws Exception {
    return runWatching(Paths.get("").toAbsolutePath(), 180, watch, args);
  }

  private static Result runWatching(Path dir, int waitSeconds, Watch watch, String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Jdk.JDK17.tool("java").toString());
    cmd.add("-jar");
    cmd.add(attachJar().toString());
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile("it-cli-out", ".txt");
    Path err = Files.createTempFile("it-cli-err", ".txt");
    try {
      Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile())
          .start();
      Throwable[] watchFailed = new Throwable[1];
      Thread watcher = new Thread(() -> {
        try {
          watch.running(p.pid());
        } catch (Throwable t) {
          watchFailed[0] = t;
        }
      }, "cli-watch");
      watcher.start();
      if (!p.waitFor(waitSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("attach.jar " + String.join(" ", args) + " did not finish in " + waitSeconds + " s");
      }
      watcher.join(TimeUnit.SECONDS.toMillis(waitSeconds));
      if (watchFailed[0] != null) {
        throw new AssertionError("watching attach.jar failed", watchFailed[0]);
      }
      return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  /** Looks at a running CLI. */
  @FunctionalInterface
  public interface Watch {
    void running(long pid) throws Exception;
  }

  public static Path attachJar() {
    Path p = Paths.get(System.getProperty("attachJar", "../attach-cli/target/attach.jar")).toAbsolutePath().normalize();
    if (!Files.isRegularFile(p)) {
      throw new IllegalStateException(p + " is missing: run mvn verify from the top, not the it-tests module alone");
    }
    return p;
  }

  /** Exit code, stdout and stderr of one run. */
  public static final class Result {
    public final int exit;
    public final String out;
    public final String err;

    Result(int exit, String out, String err) {
      this.exit = exit;
      this.out = out;
      this.err = err;
    }

    /** The packet path printed on stdout. */
    public Path packet() throws IOException {
      Path p = Paths.get(out.trim());
      if (!Files.isRegularFile(p)) {
        throw new AssertionError("no packet at '" + out.trim() + "'; " + this);
      }
      return p;
    }

    @Override
    public String toString() {
      return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }
}
