package dev.supportpacket.agent.audit;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * One audit event: who did what, how, when and with what result. Immutable; {@code meta} keeps its insertion order so
 * that every target writes the same fields in the same order. The chain fields ({@code seq}, {@code prev}) are not
 * part of the record: a file target adds them when it writes the line, because only it knows its previous line.
 */
public final class AuditRecord {
  /** The event of a packet request, whatever came of it. */
  public static final String PACKET_CREATE = "packet.create";
  /** A signed checkpoint of a file's hash chain. */
  public static final String SEAL = "audit.seal";
  /** First line of a file started by rotation: names the file before it. */
  public static final String ROTATE = "audit.rotate";
  /** Rotated files deleted by retention ({@code max_backups}, {@code max_age}). */
  public static final String PRUNE = "audit.prune";
  /** Records the queue had to drop while a target could not keep up. */
  public static final String DROPPED = "audit.dropped";

  /** Severity, ordered as syslog's: a target lists the levels it writes. */
  public enum Level {
    INFO(6), WARN(4), ERROR(3);

    /** The syslog severity (RFC 5424), also GELF's {@code level}. */
    public final int severity;

    Level(int severity) {
      this.severity = severity;
    }

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** What came of the request. */
  public enum Status {
    /** A complete packet was written. */
    SUCCESS(Level.INFO),
    /** A packet was written but some collector failed or was skipped. */
    PARTIAL(Level.WARN),
    /** The request was accepted but no packet came of it (disk full, internal error). */
    FAILED(Level.ERROR),
    /** The request was refused before anything was collected (bad options, already running, output refused). */
    REJECTED(Level.WARN);

    public final Level level;

    Status(Level level) {
      this.level = level;
    }

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final String id;
  private final long createAt;
  private final Level level;
  private final String event;
  private final String status;
  private final String user;
  private final String client;
  private final String clientHost;
  private final String ip;
  private final Map<String, Object> meta;

  private AuditRecord(Builder b) {
    this.id = b.id;
    this.createAt = b.createAt;
    this.level = b.level;
    this.event = b.event;
    this.status = b.status;
    this.user = b.user;
    this.client = b.client;
    this.clientHost = b.clientHost;
    this.ip = b.ip;
    this.meta = Collections.unmodifiableMap(new LinkedHashMap<>(b.meta));
  }

  public static Builder builder(String event) {
    return new Builder(event);
  }

  /** A record the audit log writes about itself (seal, rotation, drops): by the agent, on this host. */
  static Builder ofAgent(String event) {
    return builder(event).user(System.getProperty("user.name"))
        .client("agent/" + dev.supportpacket.agent.report.AppIdentity.generatorVersion()).clientHost("localhost");
  }

  public Builder toBuilder() {
    Builder b = new Builder(event);
    b.id = id;
    b.createAt = createAt;
    b.level = level;
    b.status = status;
    b.user = user;
    b.client = client;
    b.clientHost = clientHost;
    b.ip = ip;
    b.meta.putAll(meta);
    return b;
  }

  public String id() {
    return id;
  }

  public long createAt() {
    return createAt;
  }

  public Level level() {
    return level;
  }

  public String event() {
    return event;
  }

  public String status() {
    return status;
  }

  public Map<String, Object> meta() {
    return meta;
  }

  /**
   * The record as an ordered tree of fields, as every format writes it: id, createAt, level, event, status, user,
   * client, clientHost, ip (only when known), meta.
   */
  public Map<String, Object> fields() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    m.put("createAt", createAt);
    m.put("level", level.label());
    m.put("event", event);
    m.put("status", status);
    m.put("user", user);
    m.put("client", client);
    m.put("clientHost", clientHost);
    if (ip != null) {
      m.put("ip", ip);
    }
    m.put("meta", meta);
    return m;
  }

  /** Mutable builder; unknown who-fields read {@code unknown}. */
  public static final class Builder {
    private String id = UUID.randomUUID().toString();
    private long createAt = System.currentTimeMillis();
    private Level level = Level.INFO;
    private final String event;
    private String status = Status.SUCCESS.label();
    private String user = "unknown";
    private String client = "unknown";
    private String clientHost = "unknown";
    private String ip;
    private final Map<String, Object> meta = new LinkedHashMap<>();

    private Builder(String event) {
      this.event = event;
    }

    /** Replaces the random id: the packet's own record and the log's record of it share one. */
    public Builder id(String id) {
      this.id = id;
      return this;
    }

    public Builder createAt(long epochMillis) {
      this.createAt = epochMillis;
      return this;
    }

    public Builder status(Status s) {
      this.status = s.label();
      this.level = s.level;
      return this;
    }

    public Builder level(Level l) {
      this.level = l;
      return this;
    }

    public Builder user(String u) {
      this.user = u == null || u.isEmpty() ? "unknown" : u;
      return this;
    }

    public Builder client(String c) {
      this.client = c == null || c.isEmpty() ? "unknown" : c;
      return this;
    }

    public Builder clientHost(String h) {
      this.clientHost = h == null || h.isEmpty() ? "unknown" : h;
      return this;
    }

    /** @param address the remote client's address; null when the call was local or the address is not known */
    public Builder ip(String address) {
      this.ip = address;
      return this;
    }

    /** Adds one meta field; a null value is left out. */
    public Builder meta(String key, Object value) {
      if (value != null) {
        meta.put(key, value);
      }
      return this;
    }

    public AuditRecord build() {
      return new AuditRecord(this);
    }
  }
}
