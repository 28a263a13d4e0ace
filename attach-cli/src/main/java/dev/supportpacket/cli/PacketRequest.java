package dev.supportpacket.cli;

import dev.supportpacket.agent.options.PacketOptions;
import dev.supportpacket.agent.trigger.FailureKind;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import net.bytebuddy.agent.ByteBuddyAgent;

/**
 * Asks one JVM for a packet: checks the target and the output directory, loads the agent, then follows the status
 * file the agent appends to until it names the packet, reports a failure, the target dies, or time runs out.
 */
final class PacketRequest {
  private static final long POLL_MILLIS = 200;

  private final TargetProcess target;
  private final PacketOptions.Builder options;
  private final Duration timeout;
  private final ProgressView progress;

  PacketRequest(TargetProcess target, PacketOptions.Builder options, Duration timeout, ProgressView progress) {
    this.target = target;
    this.options = options;
    this.timeout = timeout;
    this.progress = progress;
  }

  /** Writes the packet and returns its path; the exit code says whether it is complete. */
  Result run() throws CliFailure {
    Path agent = AgentJar.extract();
    Path status;
    try {
      status = Files.createTempFile("support-packet-status-", ".txt");
    } catch (IOException e) {
      throw new CliFailure(ExitCode.AGENT_FAILED, "cannot create a status file in " + System.getProperty("java.io.tmpdir")
          + ": " + e.getMessage());
    }
    try {
      PacketOptions o = options.statusFile(status).trigger("attach").build();
      progress.phase("attaching", -1);
      attach(agent, o.toAgentArgs());
      return follow(status);
    } finally {
      try {
        Files.deleteIfExists(status);
      } catch (IOException ignored) {
        // a leftover empty status file in the temporary directory is harmless
      }
    }
  }

  private void attach(Path agent, String args) throws CliFailure {
    try {
      ByteBuddyAgent.attach(agent.toFile(), Long.toString(target.pid), args);
    } catch (RuntimeException e) {
      throw attachFailure(e);
    }
  }

  private CliFailure attachFailure(RuntimeException e) {
    if (!target.alive()) {
      return new CliFailure(ExitCode.TARGET_DIED, "pid " + target.pid + " exited while the agent was being loaded");
    }
    Throwable root = e;
    StringBuilder chain = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      root = t;
      chain.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage()).append(" / ");
    }
    String all = chain.toString();
    if (all.contains("AttachNotSupportedException") || all.contains("not respond")) {
      return new CliFailure(ExitCode.ATTACH_DISABLED, "pid " + target.pid + " did not answer the attach request ("
          + root.getMessage() + "); it may run with -XX:+DisableAttachMechanism or be hung; use the startup agent");
    }
    if (all.contains("ermission denied") || all.contains("not secure") || all.contains("Operation not permitted")) {
      return new CliFailure(ExitCode.OTHER_USER, "not allowed to attach to pid " + target.pid + " (" + root.getMessage()
          + "); run as the user that owns it");
    }
    return new CliFailure(ExitCode.AGENT_FAILED, "loading the agent into pid " + target.pid + " failed: " + all);
  }

  private Result follow(Path status) throws CliFailure {
    long deadline = System.nanoTime() + timeout.toNanos();
    int seen = 0;
    while (true) {
      List<String> lines = readLines(status);
      for (; seen < lines.size(); seen++) {
        String[] f = lines.get(seen).split(" ", 3);
        if (f.length < 2) {
          continue;
        }
        switch (f[0]) {
          case "phase":
            progress.phase(f[1], f.length > 2 ? parseLong(f[2]) : -1);
            break;
          case "done":
            progress.finish();
            return new Result(Path.of(f.length > 2 ? f[2] : ""), f[1].equals("complete"));
          case "failed":
            progress.finish();
            throw failure(f[1], f.length > 2 ? f[2] : "");
          default:
            break;
        }
      }
      if (!target.alive()) {
        progress.finish();
        throw new CliFailure(ExitCode.TARGET_DIED, "pid " + target.pid + " exited before the packet was written");
      }
      if (System.nanoTime() > deadline) {
        progress.finish();
        throw new CliFailure(ExitCode.TIMEOUT, "no packet after " + timeout.toSeconds() + " s; the agent goes on in pid "
            + target.pid + " and may still write it; wait longer with --timeout");
      }
      try {
        Thread.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CliFailure(ExitCode.TIMEOUT, "interrupted while waiting for the packet");
      }
    }
  }

  private static CliFailure failure(String kind, String message) {
    FailureKind k;
    try {
      k = FailureKind.valueOf(kind);
    } catch (IllegalArgumentException e) {
      k = FailureKind.INTERNAL;
    }
    switch (k) {
      case OUTPUT_NOT_WRITABLE:
      case NO_SPACE:
        return new CliFailure(ExitCode.OUTPUT_PROBLEM, message);
      case ALREADY_RUNNING:
        return new CliFailure(ExitCode.ALREADY_RUNNING, message);
      case BAD_OPTIONS:
        return new CliFailure(ExitCode.USAGE, "the agent refused its options: " + message);
      default:
        return new CliFailure(ExitCode.AGENT_FAILED, message);
    }
  }

  private static List<String> readLines(Path status) {
    try {
      String s = new String(Files.readAllBytes(status), StandardCharsets.UTF_8);
      // Only whole lines: the agent may be halfway through writing the last one.
      int end = s.lastIndexOf('\n');
      return end < 0 ? List.of() : List.of(s.substring(0, end).split("\n"));
    } catch (IOException e) {
      return List.of();
    }
  }

  private static long parseLong(String s) {
    try {
      return Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** The packet written, and whether it is complete. */
  static final class Result {
    final Path path;
    final boolean complete;

    Result(Path path, boolean complete) {
      this.path = path;
      this.complete = complete;
    }

    int print(PrintStream out, PrintStream err) {
      out.println(path);
      if (!complete) {
        err.println("The packet is incomplete: warning.txt inside it says what is missing and why.");
      }
      return complete ? ExitCode.OK.code : ExitCode.PARTIAL.code;
    }
  }
}
