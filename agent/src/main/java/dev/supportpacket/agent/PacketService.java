package dev.supportpacket.agent;

import dev.supportpacket.agent.report.AppIdentity;
import dev.supportpacket.agent.audit.PacketAudit;
import dev.supportpacket.agent.audit.PacketEvent;
import dev.supportpacket.agent.collect.CollectContext;
import dev.supportpacket.agent.collect.Collector;
import dev.supportpacket.agent.collect.CollectorRunner;
import dev.supportpacket.agent.collect.Headroom;
import dev.supportpacket.agent.collect.LoadedClasses;
import dev.supportpacket.agent.collect.RecordingHandoff;
import dev.supportpacket.agent.collect.heap.HeapDumpCollector;
import dev.supportpacket.agent.collect.config.ApplicationName;
import dev.supportpacket.agent.collect.config.ConfigSecrets;
import dev.supportpacket.agent.boot.Daemon;
import dev.supportpacket.agent.findings.Analysis;
import dev.supportpacket.agent.findings.model.ModelReader;
import dev.supportpacket.agent.findings.model.PacketModel;
import dev.supportpacket.agent.options.PacketOptions;
import dev.supportpacket.agent.packet.Packet;
import dev.supportpacket.agent.packet.PrivateFiles;
import dev.supportpacket.agent.packet.ZipSink;
import dev.supportpacket.agent.report.Metadata;
import dev.supportpacket.agent.report.Outcome;
import dev.supportpacket.agent.report.PacketFacts;
import dev.supportpacket.agent.report.ReadmeHtml;
import dev.supportpacket.agent.report.Report;
import dev.supportpacket.agent.sanitize.InvalidSettingsException;
import dev.supportpacket.agent.sanitize.ProcessSecrets;
import dev.supportpacket.agent.sanitize.Sanitizer;
import dev.supportpacket.agent.sanitize.SanitizerSettings;
import dev.supportpacket.agent.trigger.FailureKind;
import dev.supportpacket.agent.trigger.PacketResult;
import dev.supportpacket.agent.trigger.StatusFile;
import dev.supportpacket.agent.trigger.TriggerContext;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Writes packets, one at a time per JVM: checks the output directory, learns the process's secrets, runs the
 * collectors, writes metadata, report, warnings and README, and seals the archive. Never throws.
 *
 * <p>The packet's file name is decided before anything is collected, so that a request arriving meanwhile is told
 * which packet is being written.
 */
public final class PacketService {
  /** Below this much free space in the output directory no packet is started. */
  static final long MIN_FREE_BYTES = 64L * 1024 * 1024;

  /**
   * How long learning the secrets of the config files may take: normally well under a second; a read that blocks (a
   * hung network mount) must not hold the packet, and the claim with it, for ever.
   */
  static final Duration LEARN_DEADLINE = Duration.ofSeconds(15);

  /**
   * How long reading the application's name from its config files may take before the packet is named after its
   * main class instead: the name is needed before anything is collected. Well under a second normally, but the first
   * packet loads the YAML parser too, which took over 2 s on two loaded cores; a hung mount fails the packet anyway,
   * when the secrets of the same files cannot be learned.
   */
  static final Duration NAME_DEADLINE = Duration.ofSeconds(10);

  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  /** The packet being written, null when none. */
  private final AtomicReference<Path> inProgress = new AtomicReference<>();
  private volatile PacketResult lastResult;
  private volatile Path lastWritten;
  private final List<Collector> collectors;
  private final PacketAudit audit;
  /** Whether a packet of this JVM rehearsed its analysis ({@link #warmUpAnalysis}): once warm, it stays warm. */
  private final AtomicBoolean rehearsed = new AtomicBoolean();

  /** @param audit where each request's record goes; the trigger's refusals are recorded there too */
  public PacketService(List<Collector> collectors, PacketAudit audit) {
    this.collectors = List.copyOf(collectors);
    this.audit = audit;
  }

  public PacketService(List<Collector> collectors) {
    this(collectors, new PacketAudit());
  }

  public static PacketService withDefaultCollectors() {
    return new PacketService(DefaultCollectors.all(LoadedClasses.NONE));
  }

  /** @param loaded the JVM's loaded classes, as the agent's instrumentation lists them */
  public static PacketService withDefaultCollectors(LoadedClasses loaded, PacketAudit audit) {
    return new PacketService(DefaultCollectors.all(loaded), audit);
  }

  /** The packet being written now, if any. */
  public Optional<Path> inProgress() {
    return Optional.ofNullable(inProgress.get());
  }

  /** What the last request that got to run came to; "already running" answers do not count. */
  public Optional<PacketResult> lastResult() {
    return Optional.ofNullable(lastResult);
  }

  /** The last packet written in this JVM, complete or not. */
  public Optional<Path> lastWritten() {
    return Optional.ofNullable(lastWritten);
  }

  /** Writes one packet for the attach CLI and reports to {@code status} as it goes. */
  public PacketResult create(PacketOptions options, StatusFile status) {
    return create(options, TriggerContext.attach(), status);
  }

  /** Writes one packet for {@code trigger} and reports to {@code status} as it goes. */
  public PacketResult create(PacketOptions options, TriggerContext trigger, StatusFile status) {
    PacketEvent.Request request = new PacketEvent.Request(trigger, options.caller(), outputDir(options));
    PacketEvent event;
    try {
      event = claimAndWrite(options, request, status);
    } catch (Throwable t) {
      event = PacketEvent.failed(request, PacketEvent.Collected.NOTHING, FailureKind.INTERNAL, "unexpected " + t);
    }
    // Before the status line: whoever is told the packet is done finds its audit record written.
    audit.record(options.auditConfig(), event);
    PacketResult result = resultOf(event);
    if (result.path().isPresent()) {
      status.done(result.complete(), result.path().get());
    } else {
      status.failed(result.failure().orElse(FailureKind.INTERNAL), result.message());
    }
    return result;
  }

  private static Path outputDir(PacketOptions options) {
    return options.outputDir().orElse(Paths.get(System.getProperty("user.dir"))).toAbsolutePath();
  }

  /** What the trigger is told: the packet the event names, or its failure. */
  private static PacketResult resultOf(PacketEvent event) {
    return event.packet().map(p -> PacketResult.written(p, event.complete())).orElseGet(() ->
        PacketResult.failed(event.failure().orElse(FailureKind.INTERNAL), event.message().orElse("no packet")));
  }

  private PacketEvent claimAndWrite(PacketOptions options, PacketEvent.Request request, StatusFile status) {
    Path dir = request.outputDir();
    long startedAt = System.currentTimeMillis();
    AppIdentity app = AppIdentity.current(ApplicationName.ofThisProcess(NAME_DEADLINE));
    String stamp = STAMP.format(Instant.ofEpochMilli(startedAt));
    Path file = dir.resolve("support-packet-" + app.name() + "-" + app.pid() + "-" + stamp + ".zip");
    if (!inProgress.compareAndSet(null, file)) {
      Path running = inProgress.get();
      return PacketEvent.rejected(request, FailureKind.ALREADY_RUNNING, "another packet is being written in this JVM"
          + (running == null ? " (it just finished; ask again)" : ": " + running));
    }
    try {
      PacketEvent event;
      try {
        event = write(options, request, app, startedAt, file, status);
      } catch (Throwable t) {
        event = PacketEvent.failed(request, PacketEvent.Collected.NOTHING, FailureKind.INTERNAL, "unexpected " + t);
      }
      // Published before the claim is released: whoever sees "not in progress" also sees this outcome.
      PacketResult result = resultOf(event);
      lastResult = result;
      result.path().ifPresent(p -> lastWritten = p);
      return event;
    } finally {
      inProgress.set(null);
    }
  }

  /**
   * Checks, then collects and seals. A refusal before anything is collected is a rejected request; a failure after
   * it, a failed one, with what was collected by then.
   */
  private PacketEvent write(PacketOptions options, PacketEvent.Request request, AppIdentity app, long startedAt,
      Path file, StatusFile status) {
    Path dir = file.getParent();
    Optional<String> heapTooFull = Headroom.now().refusalToStart();
    if (heapTooFull.isPresent()) {
      return PacketEvent.rejected(request, FailureKind.HEAP_TOO_FULL, heapTooFull.get());
    }
    Optional<PacketEvent> refused = checkOutputDir(request, HeapDumpCollector.diskNeeded(options));
    if (refused.isPresent()) {
      return refused.get();
    }
    // What the collectors are slow to ready on a JVM's first packet (JFR's start above all, 1.4 s on JDK 17) readies
    // beside the setup, so that the profile starts sooner; the thread is done before the packet is, whatever happens.
    Thread preparing = Daemon.start("prepare", () -> prepare(options));
    try {
      return setUpAndCollect(options, request, app, startedAt, file, status);
    } finally {
      joinQuietly(preparing);
    }
  }

  /** The packet after the checks: its sanitizer, work directory and archive, then the collectors, then the seal. */
  private PacketEvent setUpAndCollect(PacketOptions options, PacketEvent.Request request, AppIdentity app,
      long startedAt, Path file, StatusFile status) {
    Path dir = file.getParent();
    // Files of packets whose JVM was killed: a raw heap dump among them must not stay on disk unscrubbed.
    List<String> leftovers = PrivateFiles.removeLeftovers(dir);
    status.phase("starting", options.profileDuration().toSeconds() + 1);

    Sanitizer sanitizer;
    try {
      sanitizer = Sanitizer.create(SanitizerSettings.load(options.rulesFile(), options.siteKeyFile()));
    } catch (InvalidSettingsException e) {
      return PacketEvent.rejected(request, FailureKind.BAD_OPTIONS, String.valueOf(e.getMessage()));
    }
    Path scratch;
    try {
      scratch = PrivateFiles.createDirectory(PrivateFiles.temporaryName(dir, ".work"));
    } catch (IOException e) {
      return PacketEvent.rejected(request, FailureKind.OUTPUT_NOT_WRITABLE, "cannot create a work directory in "
          + dir + ": " + e);
    }
    // From here on a failure is "failed", with what was collected when it happened.
    PacketEvent.Collected collected = PacketEvent.Collected.NOTHING;
    try (ZipSink sink = ZipSink.create(file, scratch, Set.copyOf(PacketModel.READS))) {
      long budget = options.maxSizeMb() > 0 ? options.maxSizeMb() * 1024 * 1024 : Long.MAX_VALUE;
      // The collectors start at once (the profile's seconds count from here) and write once the sanitizer knows
      // every secret of the process and its config: a password from application.yml is scrubbed from logs too.
      Packet packet = Packet.heldUntilOpened(sanitizer, sink, budget);
      leftovers.forEach(packet.ownedBy("output-directory")::note);
      PacketAudit.refusedBeside(dir).ifPresent(packet.ownedBy("audit")::note);
      RecordingHandoff handoff = options.handoffDir()
          .map(d -> RecordingHandoff.to(d, sanitizer, announceTo(status)))
          .orElse(RecordingHandoff.IN_PROCESS);
      // A rehearsal, not a step: once per JVM, and left out on a heap too tight for the heavy steps (the analysis
      // then runs cold).
      Optional<Thread> warmUp = !Headroom.now().tight() && rehearsed.compareAndSet(false, true)
          ? Optional.of(Daemon.start("warm-up", PacketService::warmUpAnalysis)) : Optional.empty();
      List<Outcome> outcomes = new CollectorRunner().run(collectors,
          new CollectContext(options, scratch, status, handoff), packet, () -> {
            ProcessSecrets.learnInto(sanitizer);
            ConfigSecrets.learnInto(sanitizer, LEARN_DEADLINE, options.includes());
            packet.open();
          });
      status.phase("writing", 0);
      warmUp.ifPresent(PacketService::joinQuietly);
      Analysis analysis = Analysis.writeInto(packet);
      Report report = new Report(outcomes, packet.entries(), packet.notes());
      // After the collectors: it says whether the packet holds unsanitized memory, known only now.
      packet.addYaml("metadata.yaml", Metadata.tree(app, startedAt, request.trigger().kind().label(),
          Sanitizer.VERSION, sanitizer.usesSiteKey(), report.unsanitized()));
      packet.addText("report.txt", report::writeReport);
      if (!report.complete() || report.unsanitized()) {
        packet.addText("warning.txt", report::writeWarnings);
      }
      packet.addText(ReadmeHtml.ENTRY, w -> ReadmeHtml.write(w, app, report, packet.entries(), analysis));
      collected = PacketEvent.Collected.of(outcomes, packet.entries());
      PacketEvent written = PacketEvent.written(request, collected, report.complete());
      packet.addText(PacketAudit.ENTRY, w -> w.write(PacketAudit.inPacketJson(written)));
      return written.sealedAs(sink.seal());
    } catch (ConfigSecrets.NotLearned e) {
      // Fail closed: a value the sanitizer does not know would leave in clear wherever it appears without its key.
      return PacketEvent.failed(request, collected, FailureKind.INTERNAL, String.valueOf(e.getMessage()));
    } catch (IOException e) {
      String msg = String.valueOf(e.getMessage());
      return msg.contains("No space left")
          ? PacketEvent.failed(request, collected, FailureKind.NO_SPACE, "the disk of " + dir
              + " filled up while writing: " + msg)
          : PacketEvent.failed(request, collected, FailureKind.INTERNAL, "writing " + file + " failed: " + e);
    } catch (RuntimeException e) {
      return PacketEvent.failed(request, collected, FailureKind.INTERNAL, "unexpected " + e);
    }
  }

  /** {@link Collector#prepare} for each collector that runs with {@code options}; nothing it throws goes further. */
  private void prepare(PacketOptions options) {
    for (Collector c : collectors) {
      try {
        if (c.offReason(options).isEmpty()) {
          c.prepare();
        }
      } catch (Throwable t) {
        // only the time it was to save is lost: collect() does the same work
      }
    }
  }

  /**
   * The status lines that tell the CLI a recording, or its first part, waits for it. An adapter, not StatusFile
   * itself: StatusFile is among premain's classes, loaded by the application's loader, which does not see
   * RecordingHandoff (AgentJarIT).
   */
  private static RecordingHandoff.Announce announceTo(StatusFile status) {
    return new RecordingHandoff.Announce() {
      @Override
      public void work(RecordingHandoff.Derivation what, String name) {
        status.work(what.name(), name);
      }

      @Override
      public void part(RecordingHandoff.Derivation what, String name) {
        status.part(what.name(), name);
      }
    };
  }

  /**
   * Runs the analysis and the page once on a small canned packet ({@link WarmUpPacket}), while the collectors run:
   * on a JVM's first packet they load and compile a few hundred classes (Jackson's tree, the rules, the page), which
   * took about 0.25 s at the end of the packet; here it overlaps the profile's seconds, on the same CPU it would have
   * used anyway. Public for bench/FindingsBench, which measures what is left after it.
   */
  public static void warmUpAnalysis() {
    try {
      WarmUpPacket canned = WarmUpPacket.load();
      Analysis analysis = Analysis.of(ModelReader.read(canned));
      analysis.writeJson(Writer.nullWriter());
      ReadmeHtml.write(Writer.nullWriter(), PacketFacts.read(canned, canned.sizes()), analysis);
    } catch (IOException | RuntimeException e) {
      // only time is lost: the real analysis runs cold
    }
  }

  /** Waits for one of our threads to end, so that none outlives its packet; it ends within a second. */
  private static void joinQuietly(Thread t) {
    try {
      t.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Empty when the request's directory can take a packet; otherwise the refusal, naming the fix. A missing directory
   * is created (0700, missing parents too): "create it first" only ever stopped people.
   */
  private static Optional<PacketEvent> checkOutputDir(PacketEvent.Request request, long heapDumpBytes) {
    Path dir = request.outputDir();
    if (!Files.isDirectory(dir)) {
      try {
        PrivateFiles.createDirectories(dir);
      } catch (IOException | RuntimeException e) {
        return refusal(request, FailureKind.OUTPUT_NOT_WRITABLE, "output directory " + dir + " does not exist and"
            + " cannot be created by user " + System.getProperty("user.name") + " (" + e.getMessage()
            + "); choose another with --output");
      }
    }
    if (!Files.isWritable(dir)) {
      return refusal(request, FailureKind.OUTPUT_NOT_WRITABLE, "output directory " + dir
          + " is not writable by user " + System.getProperty("user.name") + "; choose another with --output");
    }
    try {
      long free = Files.getFileStore(dir).getUsableSpace();
      if (free < MIN_FREE_BYTES) {
        return refusal(request, FailureKind.NO_SPACE, "only " + free / (1024 * 1024) + " MB free in " + dir + ", "
            + MIN_FREE_BYTES / (1024 * 1024) + " MB needed; free some space or choose another with --output");
      }
      if (heapDumpBytes > 0 && free < MIN_FREE_BYTES + heapDumpBytes) {
        // Refused before anything is written: a full disk would hurt the application more than a missing packet.
        return refusal(request, FailureKind.NO_SPACE, "only " + free / (1024 * 1024) + " MB free in " + dir
            + ", the heap dump needs about " + (MIN_FREE_BYTES + heapDumpBytes) / (1024 * 1024) + " MB (1.5 x the "
            + "heap in use, plus 64 MB); nothing was written; free some space or choose another with --output");
      }
    } catch (IOException e) {
      return refusal(request, FailureKind.OUTPUT_NOT_WRITABLE, "cannot check free space in " + dir + ": " + e);
    }
    return Optional.empty();
  }

  private static Optional<PacketEvent> refusal(PacketEvent.Request request, FailureKind kind, String message) {
    return Optional.of(PacketEvent.outputRefused(request, kind, message));
  }
}
