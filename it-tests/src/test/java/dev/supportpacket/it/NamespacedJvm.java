package dev.supportpacket.it;

import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A target JVM in a container as far as the kernel is concerned: its own pid and mount namespaces (unshare, as root)
 * and a private /tmp, so that its attach socket, its perf data and anything we put there are invisible from the
 * host. Optionally run as another user. Killed on close.
 */
final class NamespacedJvm implements AutoCloseable {
  private final Process unshare;
  private final long pid;
  private final List<String> output;

  private NamespacedJvm(Process unshare, long pid, List<String> output) {
    this.unshare = unshare;
    this.pid = pid;
    this.output = output;
  }

  /**
   * @param workDir the JVM's working directory, outside /tmp (the private /tmp hides the host's)
   * @param user run the JVM as this user (null: root)
   */
  static NamespacedJvm start(Class<?> mainClass, Path workDir, String user, List<String> jvmArgs) throws Exception {
    List<String> command = new ArrayList<>();
    if (user != null) {
      command.addAll(List.of("setpriv", "--reuid=" + user, "--regid=" + user, "--init-groups", "--"));
    }
    command.add(Jdk.JDK17.tool("java").toString());
    command.add("-Xmx128m");
    command.addAll(jvmArgs);
    command.addAll(List.of("-cp", Paths.get(System.getProperty("appClasses")).toString(), mainClass.getName()));
    // Its output goes to a file, as a service's does (java … > app.out): a log the packet finds.
    Path log = workDir.resolve("app.out");
    String script = "mount -t tmpfs tmpfs /tmp && cd '" + workDir + "' && exec " + String.join(" ", quoted(command))
        + " > app.out 2>&1";
    Process p = new ProcessBuilder("unshare", "--pid", "--mount", "--fork", "--mount-proc", "sh", "-c", script)
        .redirectErrorStream(true).start();
    List<String> output = java.util.Collections.synchronizedList(new ArrayList<>());
    CompletableFuture<Boolean> ready = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try {
        while (p.isAlive() && !java.nio.file.Files.exists(log)) {
          Thread.sleep(20);
        }
        try (BufferedReader r = java.nio.file.Files.newBufferedReader(log, StandardCharsets.UTF_8)) {
          while (true) {
            String line = r.readLine();
            if (line == null) {
              if (!p.isAlive()) {
                break;
              }
              Thread.sleep(50);
              continue;
            }
            output.add(line);
            if (line.equals("ready")) {
              ready.complete(true);
            }
          }
        }
      } catch (Exception e) {
        // the process is gone
      }
      ready.complete(false);
    }, "it-ns-output");
    reader.setDaemon(true);
    reader.start();
    if (!ready.get(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("namespaced target did not start: " + output);
    }
    long jvm = p.descendants().filter(h -> h.info().command().map(c -> c.endsWith("/java")).orElse(false))
        .map(ProcessHandle::pid).findFirst().orElseThrow(() -> new IllegalStateException("no java under unshare"));
    return new NamespacedJvm(p, jvm, output);
  }

  private static List<String> quoted(List<String> args) {
    List<String> q = new ArrayList<>();
    for (String a : args) {
      q.add("'" + a.replace("'", "'\\''") + "'");
    }
    return q;
  }

  /** The pid as the host sees it. */
  long pid() {
    return pid;
  }

  List<String> output() {
    synchronized (output) {
      return List.copyOf(output);
    }
  }

  boolean isAlive() {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  @Override
  public void close() {
    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    unshare.descendants().forEach(ProcessHandle::destroyForcibly);
    unshare.destroyForcibly();
    try {
      unshare.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
