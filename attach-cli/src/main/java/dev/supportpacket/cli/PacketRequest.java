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
import java.util.Optional;

/**
 * Asks one JVM for a packet: reaches the agent (loads it, or triggers the one already running: {@link AgentChannel}),
 * then follows the status file the agent appends to until it names the packet, reports a failure, the target dies, or
 * time runs out.
 */
final class PacketRequest {
  // Short: the last poll adds to the wall time of every packet, and reading a small file is cheap.
  private static final long POLL_MILLIS = 20;

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
      try (AgentChannel channel = AgentChannel.to(target)) {
        progress.phase(channel.phase(), -1);
        channel.start(o);
        return follow(status, channel);
      }
    } finally {
      try {
        Files.deleteIfExists(status);
      } catch (IOException ignored) {
        // a leftover empty status file in the temporary directory is harmless
      }
    }
  }

  private Result follow(Path status, AgentChannel channel) throws CliFailure {
    long deadline = System.nanoTime() + timeout.toNanos();
    int seen = 0;
    while (true) {
      // Asked before reading: the agent writes its last line before the channel can report the call's end.
      Optional<CliFailure> broken = channel.broken();
      List<String> lines = readLines(status);
      for (; seen < lines.size(); seen++) {
        String[] f = lines.get(seen).split(" ", 3);
        if (f.length < 2) {
          continue;
        }
        switch (f[0]) {
          case "phase": {
            // phase <name> <secondsLeft> [<bytes>]
            String[] p = lines.get(seen).split(" ");
            progress.phase(f[1], p.length > 2 ? parseLong(p[2]) : -1, p.length > 3 ? parseLong(p[3]) : -1);
            break;
          }
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
      if (broken.isPresent()) {
        progress.finish();
        throw broken.get();
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

    /** The path on stdout (scripts read it); the verdict on stderr unless {@code quiet}. */
    int print(PrintStream out, PrintStream err, boolean quiet) {
      out.println(path);
      out.flush();
      if (!quiet) {
        for (String line : Verdict.of(path, complete)) {
          err.println(line);
        }
      } else if (!complete) {
        err.println("The packet is incomplete: warning.txt inside it says what is missing and why.");
      }
      return complete ? ExitCode.OK.code : ExitCode.PARTIAL.code;
    }
  }
}
