package dev.supportpacket.agent.audit;

import dev.supportpacket.agent.options.Claims;
import dev.supportpacket.agent.packet.EntryRecord;
import dev.supportpacket.agent.packet.SealedFile;
import dev.supportpacket.agent.report.Outcome;
import dev.supportpacket.agent.trigger.FailureKind;
import dev.supportpacket.agent.trigger.TriggerContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * What one packet request came to, as the audit sees it: made once, when the request is refused, has failed or is
 * written, from the request and the one report of outcomes, then handed to {@link PacketAudit}. Immutable, and
 * checked here: a refused request carries no collectors, a written one no failure, a failure always its kind and
 * message. Nothing is shared with the packet's flow while it runs.
 */
public final class PacketEvent {
  private final Request request;
  private final AuditRecord.Status status;
  private final boolean outputRefused;
  private final Collected collected;
  private final SealedFile packet;
  private final FailureKind failure;
  private final String message;

  private PacketEvent(Request request, AuditRecord.Status status, boolean outputRefused, Collected collected,
      SealedFile packet, FailureKind failure, String message) {
    this.request = Objects.requireNonNull(request, "request");
    this.status = Objects.requireNonNull(status, "status");
    boolean written = status == AuditRecord.Status.SUCCESS || status == AuditRecord.Status.PARTIAL;
    if (written != (failure == null) || (failure == null) != (message == null)) {
      throw new IllegalArgumentException(written ? "a written packet has no failure"
          : "a " + status.label() + " request names its failure and a message");
    }
    if ((status == AuditRecord.Status.REJECTED) != (collected == null)) {
      throw new IllegalArgumentException(status == AuditRecord.Status.REJECTED
          ? "a rejected request collected nothing" : "a " + status.label() + " request says what it collected");
    }
    if (packet != null && !written) {
      throw new IllegalArgumentException("a " + status.label() + " request has no packet");
    }
    if (outputRefused && status != AuditRecord.Status.REJECTED) {
      throw new IllegalArgumentException("a refused output directory rejects the request");
    }
    this.outputRefused = outputRefused;
    this.collected = collected;
    this.packet = packet;
    this.failure = failure;
    this.message = message;
  }

  /** Refused before anything was collected (bad options, already running, no room, heap too full). */
  public static PacketEvent rejected(Request request, FailureKind failure, String message) {
    return new PacketEvent(request, AuditRecord.Status.REJECTED, false, null, null, failure, message);
  }

  /**
   * Refused because of the output directory itself: its record goes to the fallback, nothing of ours is created in
   * that directory.
   */
  public static PacketEvent outputRefused(Request request, FailureKind failure, String message) {
    return new PacketEvent(request, AuditRecord.Status.REJECTED, true, null, null, failure, message);
  }

  /** Collection had begun when the request failed; {@code collected} is what was known of it by then. */
  public static PacketEvent failed(Request request, Collected collected, FailureKind failure, String message) {
    return new PacketEvent(request, AuditRecord.Status.FAILED, false, Objects.requireNonNull(collected, "collected"),
        null, failure, message);
  }

  /** Everything is collected; the packet is not sealed yet: what the packet's own record says of itself. */
  public static PacketEvent written(Request request, Collected collected, boolean complete) {
    return new PacketEvent(request, complete ? AuditRecord.Status.SUCCESS : AuditRecord.Status.PARTIAL, false,
        Objects.requireNonNull(collected, "collected"), null, null, null);
  }

  /** The same event once the packet is sealed: with its path, size and SHA-256. */
  public PacketEvent sealedAs(SealedFile sealed) {
    if (packet != null || failure != null) {
      throw new IllegalStateException("only a written, unsealed packet is sealed");
    }
    return new PacketEvent(request, status, false, collected, Objects.requireNonNull(sealed, "sealed"), null, null);
  }

  /** A packet was written and nothing is missing from it. */
  public boolean complete() {
    return status == AuditRecord.Status.SUCCESS;
  }

  public Request request() {
    return request;
  }

  public AuditRecord.Status status() {
    return status;
  }

  public boolean outputRefused() {
    return outputRefused;
  }

  /** Empty for a rejected request. */
  public Optional<Collected> collected() {
    return Optional.ofNullable(collected);
  }

  /** Present once the packet is sealed. */
  public Optional<SealedFile> packet() {
    return Optional.ofNullable(packet);
  }

  /** Present for a rejected or failed request, with {@link #message()}. */
  public Optional<FailureKind> failure() {
    return Optional.ofNullable(failure);
  }

  public Optional<String> message() {
    return Optional.ofNullable(message);
  }

  /**
   * Who asked, how, when and for which directory: known when the request arrives, the same in every record of it
   * (the packet's own and the log's share its id).
   */
  public static final class Request {
    private final String id;
    private final long requestedAt;
    private final Path outputDir;
    private final TriggerContext trigger;
    private final Claims caller;

    /** A request arriving now, with a fresh id. */
    public Request(TriggerContext trigger, Claims caller, Path outputDir) {
      this(UUID.randomUUID().toString(), System.currentTimeMillis(), trigger, caller, outputDir);
    }

    Request(String id, long requestedAt, TriggerContext trigger, Claims caller, Path outputDir) {
      if (id == null || id.isEmpty() || requestedAt <= 0) {
        throw new IllegalArgumentException("a request needs an id and the time it arrived");
      }
      this.id = id;
      this.requestedAt = requestedAt;
      this.trigger = Objects.requireNonNull(trigger, "trigger");
      this.caller = Objects.requireNonNull(caller, "caller");
      this.outputDir = Objects.requireNonNull(outputDir, "outputDir").toAbsolutePath();
    }

    public String id() {
      return id;
    }

    public long requestedAt() {
      return requestedAt;
    }

    public Path outputDir() {
      return outputDir;
    }

    public TriggerContext trigger() {
      return trigger;
    }

    public Claims caller() {
      return caller;
    }
  }

  /** What a packet collected: the collectors that delivered, whether a heap dump is in, the redactions summed. */
  public static final class Collected {
    /** Collection began, then failed before anything was summed. */
    public static final Collected NOTHING = new Collected(List.of(), false, Map.of());

    private final List<String> collectors;
    private final boolean heapDump;
    private final Map<String, Integer> redactions;

    private Collected(List<String> collectors, boolean heapDump, Map<String, Integer> redactions) {
      this.collectors = List.copyOf(collectors);
      this.heapDump = heapDump;
      this.redactions = Collections.unmodifiableMap(new TreeMap<>(redactions));
    }

    /** From the report's outcomes and the packet's entries so far. */
    public static Collected of(List<Outcome> outcomes, List<EntryRecord> entries) {
      List<String> ok = new ArrayList<>();
      for (Outcome o : outcomes) {
        if (o.status == Outcome.Status.OK) {
          ok.add(o.collector);
        }
      }
      boolean heapDump = false;
      Map<String, Integer> redactions = new TreeMap<>();
      for (EntryRecord e : entries) {
        heapDump |= e.name.endsWith(".hprof") || e.name.endsWith(".hprof.gz");
        e.redactions.forEach((rule, n) -> redactions.merge(rule, n, Integer::sum));
      }
      return new Collected(ok, heapDump, redactions);
    }

    public List<String> collectors() {
      return collectors;
    }

    public boolean heapDump() {
      return heapDump;
    }

    /** Rule → count, sorted by rule. */
    public Map<String, Integer> redactions() {
      return redactions;
    }
  }
}
