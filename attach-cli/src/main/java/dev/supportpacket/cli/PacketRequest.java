package dev.supportpacket.cli;

import dev.supportpacket.agent.options.PacketOptions;
import dev.supportpacket.agent.options.RequestExpiry;
import dev.supportpacket.agent.sanitize.Sanitizer;
import dev.supportpacket.agent.trigger.FailureKind;
import dev.supportpacket.agent.trigger.StatusProtocol;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Asks one JVM for a packet: reaches the agent (loads it, or the one already running: {@link LoadAgentChannel}),
 * then follows the status file the agent appends to until it names the packet, reports a failure, the target dies, or
 * time runs out; meanwhile it reads back the raw recordings the agent hands over ({@link RecordingWorker}).
 */
final class PacketRequest {
  // Short: each poll that finds the status line late adds to the wall time of every packet (three hand-overs follow
  // the profile: recordings out, entries back, the packet done), and reading a small file is a few microseconds.
  private static final long POLL_MILLIS = 5;
  /**
   * How often the wait checks that the target still runs: three reads of /proc at every 5-ms poll were 600 a second
   * for the whole profile, on cores the target needs; a death is noticed at most this much later.
   */
  private static final long ALIVE_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  private static final int MAX_STATUS = 1 << 20;
  private static final Duration ATTACH_DEADLINE = Duration.ofSeconds(45);
  /**
   * How much longer than the request's expiry we wait for the attach to return: an agent that takes the request just
   * before it expires returns at once (it only starts a thread), and must not find the CLI gone.
   */
  private static final Duration EXPIRY_GRACE = Duration.ofSeconds(5);

  private final TargetProcess target;
  private final TargetFiles files;
  private final Path agentJar;
  private final PacketOptions.Builder options;
  private final Duration timeout;
  private final ProgressView progress;
  private final HostFiles hostFiles;

  PacketRequest(PreparedTarget target, PacketOptions.Builder options, HostFiles hostFiles, Duration timeout,
      ProgressView progress) {
    this.target = target.process;
    this.files = target.files;
    this.agentJar = target.agentJar;
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
    Path handoff = null;
    RecordingWorker worker = null;
    try {
      handoff = files.newHandoffDirectory();
      worker = new RecordingWorker(files, handoff, hostFiles.rules, hostFiles.siteKey);
      options.handoffDir(files.inTarget(handoff));
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
      reach(o);
      try {
        r = follow(status, worker);
      } catch (HeapTooFull refused) {
        return fromOutside(refused.getMessage(), o);
      }
      if (staging != null) {
        return new Result(files.moveOut(staging, r.path.toString(), hostFiles.output), r.complete);
      }
      return new Result(target.hostPath(r.path), r.complete);
    } finally {
      if (worker != null) {
        worker.close();
      }
      if (handoff != null) {
        files.remove(handoff);
      }
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
  private void reach(PacketOptions o) throws CliFailure {
    CompletableFuture<Void> reached = new CompletableFuture<>();
    RequestExpiry expiry = RequestExpiry.at(Instant.now().plus(ATTACH_DEADLINE));
    Thread t = new Thread(() -> {
      try {
        new LoadAgentChannel(target, agentJar).start(o, expiry);
        reached.complete(null);
      } catch (CliFailure | RuntimeException | Error e) {
        reached.completeExceptionally(e);
      }
    }, "support-packet-attach-" + target.pid);
    t.setDaemon(true);
    t.start();
    // Not --timeout: that is how long the packet may take once the agent has it.
    try {
      reached.get(ATTACH_DEADLINE.plus(EXPIRY_GRACE).toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new CliFailure(ExitCode.ATTACH_DISABLED, "pid " + target.pid + " did not answer the attach request within "
          + ATTACH_DEADLINE.toSeconds() + " s: it is hung or too busy (a safepoint that does not end, a full heap)."
          + " Nothing more is sent to it, and the request expired at " + expiry.instant() + ": should the JVM"
          + " recover and take it later, the agent writes no packet, only a status line saying the request expired."
          + " For a JVM that cannot answer, start it with the agent (-javaagent, see README) so that a signal can"
          + " trigger it");
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

  /**
   * The agent refused to start because the JVM's heap is too full for it: the packet is written from outside instead
   * ({@link OutsidePacket}), where the agent's would have gone.
   */
  private Result fromOutside(String refusal, PacketOptions o) throws CliFailure {
    progress.phase("heap too full for the agent: asking the JVM from outside", -1);
    Path dir = hostFiles.output;
    Path shown = hostFiles.output;
    if (dir == null) {
      // Its working directory through /proc: the very directory, even in a container, with no path of the target's
      // file system to resolve (a link there must not lead a root CLI into the host's files).
      shown = target.workingDirectory().map(target::hostPath).orElse(null);
      dir = Paths.get("/proc", Long.toString(target.pid), "cwd");
      if (shown == null || !Files.isDirectory(dir)) {
        progress.finish();
        throw new CliFailure(ExitCode.AGENT_FAILED, refusal + "; its working directory cannot be read, so no packet"
            + " could be written beside it from outside either: use --output DIR");
      }
    }
    try {
      Sanitizer sanitizer = CliSanitizer.create(hostFiles.rules, hostFiles.siteKey);
      return new OutsidePacket(target, sanitizer, o.heapDump() != PacketOptions.HeapDump.OFF).write(refusal, dir,
          shown);
    } finally {
      progress.finish();
    }
  }

  private Result follow(Path status, RecordingWorker worker) throws CliFailure, HeapTooFull {
    long deadline = System.nanoTime() + timeout.toNanos();
    long aliveCheck = System.nanoTime() + ALIVE_CHECK_NANOS;
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
            if (line.first.equals("profile")) {
              // The target records now, for seconds: this process gets ready to read the recordings meanwhile (not
              // before: that would take CPU from the attach and the recording's start).
              worker.warmUp();
            }
            break;
          case StatusProtocol.PART:
            worker.takePart(line.first, line.rest);
            break;
          case StatusProtocol.WORK:
            worker.take(line.first, line.rest);
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
            if (line.first.equals(FailureKind.HEAP_TOO_FULL.name())) {
              throw new HeapTooFull(line.rest);
            }
            throw failure(line.first, line.rest);
          default:
            break;
        }
      }
      long now = System.nanoTime();
      if (now >= aliveCheck) {
        aliveCheck = now + ALIVE_CHECK_NANOS;
        if (!target.alive()) {
          progress.finish();
          throw new CliFailure(ExitCode.TARGET_DIED, "pid " + target.pid + " exited before the packet was written");
        }
      }
      if (now > deadline) {
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

  private CliFailure failure(String kind, String message) {
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
      case EXPIRED:
        return new CliFailure(ExitCode.ATTACH_DISABLED, "pid " + target.pid + " took the request too late: " + message);
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

  /** The agent's refusal to start in a JVM whose heap is too full for it; its message gives the heap's figures. */
  private static final class HeapTooFull extends Exception {
    private static final long serialVersionUID = 1L;

    HeapTooFull(String message) {
      super(message, null, false, false);
    }
  }

  /** The packet written, and whether it is complete. */
  static final class Result {
    final Path path;
    final boolean complete;
    /** A line said before the verdict (how the packet came to be); empty for none. */
    private final String preface;

    Result(Path path, boolean complete) {
      this(path, complete, "");
    }

    Result(Path path, boolean complete, String preface) {
      this.path = path;
      this.complete = complete;
      this.preface = preface;
    }

    /** The path on stdout (scripts read it); the verdict on stderr unless {@code quiet}. */
    int print(PrintStream out, PrintStream err, boolean quiet) {
      out.println(path);
      out.flush();
      if (!preface.isEmpty()) {
        err.println(preface);
      }
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
