package dev.supportpacket.agent.audit;

import dev.supportpacket.agent.options.Claims;
import dev.supportpacket.agent.options.UntrustedText;
import dev.supportpacket.agent.packet.PrivateFiles;
import dev.supportpacket.agent.report.AppIdentity;
import dev.supportpacket.agent.trigger.FailureKind;
import dev.supportpacket.agent.trigger.TriggerContext;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The audit record of each packet request: made from one {@link PacketEvent} (who asked, and what the request came
 * to, as the packet's report says), then handed to the audit log of the configuration in force.
 *
 * <p>The packet holds the record of its own creation ({@value #ENTRY}), written before the zip is sealed: it has the
 * same id, but no size or SHA-256 (a zip cannot hold its own hash) and a status as of that moment. The audit file's
 * record, written after the seal, has them.
 */
public final class PacketAudit {
  /** System property naming the audit configuration when the {@code audit=} option does not. */
  public static final String CONFIG_PROPERTY = "dev.supportpacket.audit.config";
  /** The default target's file, beside the packets. */
  public static final String FILE_NAME = "support-packet-audit.jsonl";
  /** Meta field of a record whose output directory was refused. */
  static final String OUTPUT_REFUSED = "outputRefused";
  /** The packet's own record inside the zip. */
  public static final String ENTRY = "audit/record.json";
  /** How long the packet's thread waits for its record to reach the targets before it reports the packet done. */
  static final long AWAIT_MILLIS = 15_000;
  /**
   * A write to a target that has run this long when the wait above ends is stopped. Shorter than the wait, so that
   * the write that holds this very record (begun a moment after it was queued) is past it.
   */
  static final long WRITE_DEADLINE_MILLIS = 14_000;

  /**
   * One log per configuration, kept for the life of this instance (the agent core's: the JVM's life for a startup
   * agent, one packet's for an attach): a log holds the chain's last hash and the queues of its files.
   */
  private final Map<String, AuditLog> logs = new ConcurrentHashMap<>();

  /**
   * The packet's own record, as JSON, from the event of a packet written but not sealed yet; see the class comment
   * for what it leaves out.
   */
  public static String inPacketJson(PacketEvent written) {
    if (written.packet().isPresent() || written.failure().isPresent()) {
      throw new IllegalArgumentException("the packet's own record is made before it is sealed, of what it collected");
    }
    AuditRecord r = recordOf(written)
        .meta("note", "size and sha256 of this zip are in the audit log's record with this id").build();
    return AuditFormat.toJson(r.fields()) + "\n";
  }

  /**
   * Records what one request came to, in the log of {@code config} (the operator's audit configuration, else the
   * system property, else the default), and waits (bounded) until the record reached the targets, so that whoever
   * is told "done" finds it there. Never throws.
   */
  public void record(Optional<Path> config, PacketEvent event) {
    try {
      AuditLog log = logFor(config);
      log.submit(recordOf(event).build());
      if (!log.awaitIdle(AWAIT_MILLIS)) {
        // A write that hangs (a hung disk) is stopped so that its thread does not stay stuck; it is retried later.
        for (String lane : log.stopOverrunning(WRITE_DEADLINE_MILLIS)) {
          System.err.println("support-packet: the audit write to " + lane + " took longer than "
              + WRITE_DEADLINE_MILLIS / 1000 + " s and was stopped; the record of request " + event.request().id()
              + " waits and is tried again");
        }
      }
    } catch (Throwable t) {
      System.err.println("support-packet: cannot write the audit record (" + t + ")");
    }
  }

  /**
   * A request refused because its options did not parse or asked what its trigger may not: the caller's own options
   * are not used. Does not wait: this may run on the JVM's attach listener thread.
   *
   * @param config the operator's audit configuration when known (a JMX request to the startup agent), else empty
   * @param outputDir the operator's output directory when known, else empty (the working directory)
   */
  public void rejectedOptions(TriggerContext trigger, String message, Optional<Path> config,
      Optional<Path> outputDir) {
    try {
      PacketEvent.Request request = new PacketEvent.Request(trigger, Claims.UNKNOWN,
          outputDir.orElse(Paths.get(System.getProperty("user.dir"))));
      logFor(config).submit(recordOf(PacketEvent.rejected(request, FailureKind.BAD_OPTIONS, String.valueOf(message)))
          .build());
    } catch (Throwable t) {
      System.err.println("support-packet: cannot write the audit record (" + t + ")");
    }
  }

  /** The record of an event; the caller adds to it. */
  private static AuditRecord.Builder recordOf(PacketEvent event) {
    PacketEvent.Request request = event.request();
    TriggerContext trigger = request.trigger();
    Claims caller = request.caller();
    AppIdentity app = AppIdentity.current();
    // Same id inside the packet and in the log, so that one can be found from the other.
    AuditRecord.Builder b = AuditRecord.builder(AuditRecord.PACKET_CREATE).id(request.id()).status(event.status())
        .client(caller.client().orElse(trigger.kind().label()))
        .clientHost(caller.clientHost().orElse(trigger.clientHost()))
        .ip(remote(trigger));
    String userSource;
    switch (trigger.kind()) {
      case SIGNAL:
        // A signal carries no sender: the process owner is the one who could send it (or root).
        b.user(System.getProperty("user.name"));
        userSource = "process-owner";
        break;
      case JMX:
        if (known(trigger.user()) != null) {
          b.user(trigger.user());
          userSource = "jmx-subject";
        } else {
          b.user(caller.user().orElse(null));
          userSource = caller.user().isPresent() ? "attach-cli" : "none";
        }
        break;
      default:
        b.user(caller.user().orElse(null));
        userSource = caller.user().isPresent() ? "attach-cli" : "none";
        break;
    }
    b.meta("trigger", trigger.kind().label());
    if (trigger.kind() == TriggerContext.Kind.SIGNAL) {
      b.meta("signal", trigger.user());
    }
    b.meta("userSource", userSource).meta("requestedAt", request.requestedAt())
        .meta("app", app.name()).meta("pid", app.pid()).meta("host", app.host())
        .meta("outputDir", request.outputDir().toString());
    if (event.outputRefused()) {
      b.meta(OUTPUT_REFUSED, true);
    }
    // A message may carry a caller's text (a bad option): one line, as everything the audit writes.
    event.failure().ifPresent(f -> b.meta("failure", f.name())
        .meta("message", UntrustedText.oneLine(event.message().orElse(""))));
    event.packet().ifPresent(packet ->
        // As written through the zip's own handle: the name in a shared directory is not read back.
        b.meta("packet", packet.path().toString()).meta("size", packet.size()).meta("sha256", packet.sha256()));
    event.collected().ifPresent(c -> b.meta("collectors", c.collectors()).meta("heapDump", c.heapDump())
        .meta("redactions", c.redactions()));
    return b;
  }

  private static String known(String s) {
    return s == null || s.equals(TriggerContext.UNKNOWN) ? null : s;
  }

  private static String remote(TriggerContext t) {
    String h = t.clientHost();
    return t.kind() == TriggerContext.Kind.JMX && !h.equals("localhost") && !h.equals(TriggerContext.UNKNOWN) ? h : null;
  }

  /**
   * The log of the configuration in force: {@code audit=} first, then the system property, else the default. A
   * configuration that does not load falls back to the default (one stderr line): records are never lost to a typo.
   */
  AuditLog logFor(Optional<Path> option) {
    String prop = System.getProperty(CONFIG_PROPERTY);
    Optional<Path> config = option.isPresent() ? option : Optional.ofNullable(prop).filter(s -> !s.isBlank()).map(Paths::get);
    String key = config.map(p -> p.toAbsolutePath().toString()).orElse("");
    return logs.computeIfAbsent(key, k -> {
      PrintStream err = System.err;
      if (config.isEmpty()) {
        return AuditConfig.defaults(PacketAudit::besidePacket, err);
      }
      try {
        return AuditConfig.load(config.get(), PacketAudit::besidePacket, err);
      } catch (IOException | RuntimeException e) {
        err.println("support-packet: audit configuration " + config.get() + " not used (" + e.getMessage()
            + "); records go to " + FILE_NAME + " beside the packets");
        return AuditConfig.defaults(PacketAudit::besidePacket, err);
      }
    });
  }

  /**
   * The default file: in the record's output directory; for a directory that was refused (nothing of ours is created
   * there, not even the audit file) or is gone, the {@linkplain #fallbackFile fallback}.
   */
  static Path besidePacket(AuditRecord r) {
    Object dir = r.meta().get("outputDir");
    Path d = dir == null ? null : Paths.get(dir.toString());
    if (Boolean.TRUE.equals(r.meta().get(OUTPUT_REFUSED)) || d == null || !Files.isDirectory(d)
        || !Files.isWritable(d)) {
      return fallbackFile();
    }
    return d.resolve(FILE_NAME);
  }

  /**
   * Why the default audit file or its lock in {@code dir} will not be used (found as a link, another user's, or
   * writable by others), for report.txt; empty when they will be, or do not exist yet.
   */
  public static Optional<String> refusedBeside(Path dir) {
    for (String name : List.of(FILE_NAME, AuditFiles.lockFile(Paths.get(FILE_NAME)).toString())) {
      Path f = dir.resolve(name);
      if (Files.exists(f, LinkOption.NOFOLLOW_LINKS)) {
        try {
          PrivateFiles.requireOwned(f, name.endsWith(".lock") ? "audit lock" : "audit file");
        } catch (PrivateFiles.UntrustedFileException e) {
          return Optional.of(e.getMessage() + " The audit records of packets written here go to " + fallbackFile());
        } catch (IOException | RuntimeException e) {
          // gone meanwhile: created afresh when the record is written
        }
      }
    }
    return Optional.empty();
  }

  /** The user's state directory ({@link PrivateFiles#stateDirectory}), else the JVM's working directory. */
  static Path fallbackFile() {
    return PrivateFiles.stateDirectory().orElseGet(() -> Paths.get(System.getProperty("user.dir"))).resolve(FILE_NAME);
  }
}
