package dev.supportpacket.cli;

import dev.supportpacket.agent.options.PacketOptions;
import dev.supportpacket.agent.trigger.FailureKind;
import dev.supportpacket.agent.trigger.StatusProtocol;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Asks one JVM for a packet: reaches the agent (loads it, or the one already running: {@link LoadAgentChannel}),
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
      new LoadAgentChannel(target).start(o);
      return follow(status);
    } finally {
      try {
        Files.deleteIfExists(status);
      } catch (IOException ignored) {
        // a leftover empty status file in the temporary directory is harmless
      }
    }
  }

  private Result follow(Path status) throws CliFailure {
    long deadline = System.nanoTime() + timeout.toNanos();
    int seen = 0;
    boolean greeted = false;
    while (true) {
      List<String> lines = readLines(status);
      for (; seen < lines.size(); seen++) {
        Optional<StatusProtocol.Line> parsed = StatusProtocol.parse(lines.get(seen));
        if (parsed.isEmpty()) {
          continue;
        }
        StatusProtocol.Line line = parsed.get();
        switch (line.kind) {
          case StatusProtocol.HELLO:
            if (line.protocol() != StatusProtocol.VERSION) {
              progress.finish();
              throw new CliFailure(ExitCode.AGENT_FAILED, "pid " + target.pid + " runs the support-packet agent "
                  + line.agentVersion() + ", which speaks status protocol " + line.protocol() + "; this attach.jar "
                  + "speaks " + StatusProtocol.VERSION + ": use the attach.jar of release " + line.agentVersion());
            }
            greeted = true;
            if (line.loadedBefore()) {
              progress.phase("asking the running agent " + line.agentVersion(), -1);
            }
            break;
          case StatusProtocol.PHASE:
            progress.phase(line.first, line.number(0), line.number(1));
            break;
          case StatusProtocol.DONE:
            progress.finish();
            return new Result(Path.of(line.rest), line.first.equals("complete"));
          case StatusProtocol.FAILED:
            progress.finish();
            if (!greeted) {
              // An agent older than the status protocol: it refuses the protocol option it does not know.
              throw new CliFailure(ExitCode.AGENT_FAILED, "pid " + target.pid + " runs an older support-packet agent,"
                  + " which answered: " + line.rest + "; use the attach.jar of its release");
            }
            throw failure(line.first, line.rest);
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
