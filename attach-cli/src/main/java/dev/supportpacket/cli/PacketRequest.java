package dev.supportpacket.cli;

import dev.supportpacket.agent.options.PacketOptions;
import dev.supportpacket.agent.trigger.FailureKind;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Asks one JVM for a packet: reaches the agent (loads it, or triggers the one already running: {@link AgentChannel}),
 * then follows the status file the agent appends to until it names the packet, reports a failure, the target dies, or
 * time runs out.
 */
final class PacketRequest {
  // Short: the last poll adds to the wall time of every packet, and reading a small file is cheap.
  private static final long POLL_MILLIS = 20;
  private static final int MAX_STATUS = 1 << 20;
  private static final Duration ATTACH_DEADLINE = Duration.ofSeconds(45);

  private final TargetProcess target;
  private final PacketOptions.Builder options;
  private final Duration timeout;
  private final ProgressView progress;
  private final HostFiles hostFiles;

  PacketRequest(TargetProcess target, PacketOptions.Builder options, HostFiles hostFiles, Duration timeout,
      ProgressView progress) {
    this.target = target;
    this.options = options;
    this.hostFiles = hostFiles;
    this.timeout = timeout;
    this.progress = progress;
  }

  /**
   * Files named on our command line, as this process reaches them: where the packet should go (null: beside the
   * target) and the rules and site key files (null: none), which the agent in a container cannot reach by our path.
   */
  static final class HostFiles {
    private final Path output;
    private final Path rules;
    private final Path siteKey;

    HostFiles(Path output, Path rules, Path siteKey) {
      this.output = output;
      this.rules = rules;
      this.siteKey = siteKey;
    }

    Path output() {
      return output;
    }

    Path rules() {
      return rules;
    }

    Path siteKey() {
      return siteKey;
    }
  }

  /** Writes the packet and returns its path; the exit code says whether it is complete. */
  Result run() throws CliFailure {
    TargetFiles files = TargetFiles.of(target);
    Path status;
    try {
      status = files.newStatusFile();
    } catch (IOException e) {
      throw new CliFailure(ExitCode.AGENT_FAILED, "cannot create a status file for pid " + target.pid + ": "
          + e.getMessage());
    }
    // A target in a container or of another user cannot write to our directory, nor we read from its own safely:
    // it writes into a staging directory we made, and the packet is moved out.
    Path staging = hostFiles.output != null && files.foreign() ? files.newStagingDirectory() : null;
    try {
      options.statusFile(files.inTarget(status)).trigger("attach")
          .rulesFile(files.copyIn(hostFiles.rules, "rules")).siteKeyFile(files.copyIn(hostFiles.siteKey, "site-key"));
      if (staging != null) {
        options.outputDir(files.inTarget(staging));
      } else if (hostFiles.output != null) {
        options.outputDir(hostFiles.output);
      }
      PacketOptions o = options.build();
      progress.phase("attaching", -1);
      Result r;
      try (AgentChannel channel = reach(files, o)) {
        r = follow(status, channel);
      }
      if (staging != null) {
        return new Result(files.moveOut(staging, r.path.toString(), hostFiles.output), r.complete);
      }
      return new Result(target.hostPath(r.path), r.complete);
    } finally {
      try {
        Files.deleteIfExists(status);
      } catch (IOException ignored) {
        // a leftover empty status file in our private directory is harmless
      }
      if (staging != null) {
        files.remove(staging);
      }
      files.removeCopies();
    }
  }

  /**
   * Attaches and hands the request over, within {@link #ATTACH_DEADLINE}: a hung JVM (a safepoint that never ends, a
   * GC thrashing a full heap) accepts the connection on its attach socket but never answers, and the JDK's attach
   * client would wait for ever.
   */
  private AgentChannel reach(TargetFiles files, PacketOptions o) throws CliFailure {
    CompletableFuture<AgentChannel> reached = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        AgentChannel c = AgentChannel.to(target, files);
        progress.phase(c.phase(), -1);
        c.start(o);
        reached.complete(c);
      } catch (CliFailure | RuntimeException | Error e) {
        reached.completeExceptionally(e);
      }
    }, "support-packet-attach-" + target.pid);
    t.setDaemon(true);
    t.start();
    // Not --timeout: that is how long the packet may take once the agent has it.
    Duration deadline = ATTACH_DEADLINE;
    try {
      return reached.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      // Should it answer after all, let go of the connection at once.
      reached.thenAccept(AgentChannel::close);
      throw new CliFailure(ExitCode.ATTACH_DISABLED, "pid " + target.pid + " did not answer the attach request within "
          + deadline.toSeconds() + " s: it is hung or too busy (a safepoint that does not end, a full heap). Nothing"
          + " more is sent to it; should it recover, it loads the agent and writes the packet beside itself. For a"
          + " JVM that cannot answer, start it with the agent (-javaagent, see README) so that a signal can trigger it");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof CliFailure) {
        throw (CliFailure) e.getCause();
      }
      throw AttachFailure.of(target, e.getCause() instanceof Exception ? (Exception) e.getCause() : e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliFailure(ExitCode.TIMEOUT, "interrupted while attaching to pid " + target.pid);
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
      String s;
      try (InputStream in = Files.newInputStream(status)) {
        // The target writes this file: a few lines, never more than this is read.
        s = new String(in.readNBytes(MAX_STATUS), StandardCharsets.UTF_8);
      }
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
