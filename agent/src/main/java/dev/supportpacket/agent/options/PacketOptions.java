package dev.supportpacket.agent.options;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One packet's full set of options: the {@link PacketRequest} (what a trigger may ask), the operator's
 * {@link StartupSettings}, the attach CLI's {@link Claims}, and how it is reported (status file, trigger name).
 * Immutable; each part validates itself where it is made.
 *
 * <p>Two ways in: {@link #parse} reads an operator's argument string ({@code -javaagent:agent.jar=...} or what the
 * attach CLI built with {@link #toAgentArgs()}); {@link #forTrigger} takes a trigger's request on top of the
 * startup settings and accepts nothing else. Unknown keys are rejected so that a typo is not silently ignored.
 */
public final class PacketOptions {
  public static final Duration DEFAULT_PROFILE = PacketRequest.DEFAULT_PROFILE;
  public static final String DEFAULT_SIGNAL = StartupSettings.DEFAULT_SIGNAL;
  public static final String SIGNAL_OFF = StartupSettings.SIGNAL_OFF;
  public static final Duration DEFAULT_MIN_INTERVAL = StartupSettings.DEFAULT_MIN_INTERVAL;
  public static final int DEFAULT_LOG_TAIL_MB = StartupSettings.DEFAULT_LOG_TAIL_MB;
  public static final int DEFAULT_LOG_BUDGET_MB = StartupSettings.DEFAULT_LOG_BUDGET_MB;
  public static final int MAX_LOG_MB = StartupSettings.MAX_LOG_MB;
  /**
   * The keys of how a packet is reported: set by the attach CLI, never by a trigger. {@code protocol} is
   * {@code StatusProtocol.OPTION} and {@code expires} {@link RequestExpiry#OPTION}, both read before these options
   * are parsed.
   */
  private static final Set<String> TRANSPORT_KEYS =
      Set.of("status", "trigger", "protocol", "handoff", RequestExpiry.OPTION);

  /** Whether the packet holds a heap dump, and of which objects. */
  public enum HeapDump {
    OFF, LIVE, ALL
  }

  private final PacketRequest request;
  private final StartupSettings settings;
  private final Claims claims;
  private final Optional<Path> statusFile;
  private final Optional<Path> handoffDir;
  private final String trigger;

  public PacketOptions(PacketRequest request, StartupSettings settings, Claims claims, Path statusFile,
      String trigger) {
    this(request, settings, claims, statusFile, null, trigger);
  }

  private PacketOptions(PacketRequest request, StartupSettings settings, Claims claims, Path statusFile,
      Path handoffDir, String trigger) {
    this.request = request;
    this.settings = settings;
    this.claims = claims == null ? Claims.UNKNOWN : claims;
    this.statusFile = Optional.ofNullable(statusFile);
    this.handoffDir = Optional.ofNullable(handoffDir);
    this.trigger = trigger == null ? "attach" : trigger;
  }

  /**
   * Parses an operator's argument string: the startup agent's, or the attach CLI's.
   *
   * @param args may be null or empty (all defaults)
   * @throws IllegalArgumentException naming the offending key or value
   */
  public static PacketOptions parse(String args) {
    Map<String, String> pairs = AgentArgs.decode(args);
    for (String key : pairs.keySet()) {
      if (!PacketRequest.KEYS.contains(key) && !StartupSettings.KEYS.contains(key) && !Claims.KEYS.contains(key)
          && !TRANSPORT_KEYS.contains(key)) {
        throw new IllegalArgumentException("unknown agent option " + UntrustedText.key(key));
      }
    }
    String status = pairs.get("status");
    String handoff = pairs.get("handoff");
    if (pairs.containsKey(RequestExpiry.OPTION)) {
      RequestExpiry.parse(pairs.get(RequestExpiry.OPTION));
    }
    // An operator's output is a setting (the root a trigger's output must lie in), not part of the request.
    PacketRequest request = PacketRequest.parse(pairs, PacketRequest.DEFAULTS).withOutputDir(null);
    return new PacketOptions(request, StartupSettings.parse(pairs), Claims.parse(pairs),
        status == null ? null : PacketRequest.path("status", status),
        handoff == null ? null : PacketRequest.path("handoff", handoff), pairs.get("trigger"));
  }

  /**
   * A trigger's request on top of the startup agent's options: see {@link PacketRequest#fromTrigger} for what it
   * may ask. The startup settings stay as they are; no claims and no status file: the trigger names its caller.
   *
   * @param startup the startup agent's options (its request gives the defaults of keys not given)
   * @throws IllegalArgumentException naming what was refused, never quoting raw input
   */
  public static PacketOptions forTrigger(String args, PacketOptions startup, String trigger) {
    return new PacketOptions(PacketRequest.fromTrigger(args, startup.request, startup.settings), startup.settings,
        Claims.UNKNOWN, null, trigger);
  }

  /** The status file named in an argument string that may not parse, so that the failure can still be told. */
  public static Optional<Path> statusFileIn(String args) {
    if (args != null) {
      for (String pair : args.split(",")) {
        if (pair.startsWith("status=")) {
          try {
            return Optional.of(PacketRequest.path("status", AgentArgs.decodeValue(pair.substring("status=".length()))));
          } catch (IllegalArgumentException e) {
            return Optional.empty();
          }
        }
      }
    }
    return Optional.empty();
  }

  /** The inverse of {@link #parse}: what the CLI hands to the agent. */
  public String toAgentArgs() {
    Map<String, String> m = new LinkedHashMap<>();
    settings.encodeInto(m);
    request.encodeInto(m); // a request's output wins over the settings' default
    statusFile.ifPresent(p -> m.put("status", p.toString()));
    handoffDir.ifPresent(p -> m.put("handoff", p.toString()));
    m.put("trigger", trigger);
    claims.encodeInto(m);
    return AgentArgs.encode(m);
  }

  public PacketRequest request() {
    return request;
  }

  public StartupSettings settings() {
    return settings;
  }

  /** Who the attach CLI says is asking (its OS user, host and version), for the audit record; unknown by default. */
  public Claims caller() {
    return claims;
  }

  /** The directory the packet is written to: the request's, else the settings'; empty means the working directory. */
  public Optional<Path> outputDir() {
    return request.outputDir().or(settings::outputDir);
  }

  public Duration profileDuration() {
    return request.profileDuration();
  }

  public boolean liveHistogram() {
    return request.liveHistogram();
  }

  public HeapDump heapDump() {
    return request.heapDump();
  }

  public long maxSizeMb() {
    return request.maxSizeMb();
  }

  public boolean heapDumpRaw() {
    return settings.heapDumpRaw();
  }

  public Optional<Path> rulesFile() {
    return settings.rulesFile();
  }

  public Optional<Path> siteKeyFile() {
    return settings.siteKeyFile();
  }

  public Optional<Path> auditConfig() {
    return settings.auditConfig();
  }

  /** The operator's {@code --include} paths: files and directories added to the packet, sanitized. */
  public java.util.List<Path> includes() {
    return settings.includes();
  }

  public String signal() {
    return settings.signal();
  }

  public Duration minInterval() {
    return settings.minInterval();
  }

  /** How much of the end of each active log file goes into the packet, in bytes. */
  public long logTailBytes() {
    return settings.logTailMb() * 1024L * 1024L;
  }

  /** How much log content goes into the packet in all (active tails first, then the newest rolled files), in bytes. */
  public long logBudgetBytes() {
    return settings.logBudgetMb() * 1024L * 1024L;
  }

  /** A file the agent appends progress lines to, for the CLI to follow; empty when nobody is watching. */
  public Optional<Path> statusFile() {
    return statusFile;
  }

  /**
   * The directory the attach CLI made to read the raw recordings back itself, outside the target (see
   * {@code RecordingHandoff}); empty when nobody outside waits for them. Never a trigger's to set.
   */
  public Optional<Path> handoffDir() {
    return handoffDir;
  }

  /** What started this packet: attach, signal, jmx. */
  public String trigger() {
    return trigger;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder that starts from these options. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.outputDir = request.outputDir().orElse(settings.outputDir().orElse(null));
    b.profileDuration = request.profileDuration();
    b.liveHistogram = request.liveHistogram();
    b.heapDump = request.heapDump();
    b.maxSizeMb = request.maxSizeMb();
    b.signal = settings.signal();
    b.minInterval = settings.minInterval();
    b.rulesFile = settings.rulesFile().orElse(null);
    b.siteKeyFile = settings.siteKeyFile().orElse(null);
    b.auditConfig = settings.auditConfig().orElse(null);
    b.heapDumpRaw = settings.heapDumpRaw();
    b.logTailMb = settings.logTailMb();
    b.logBudgetMb = settings.logBudgetMb();
    b.includes = settings.includes();
    b.caller = claims;
    b.statusFile = statusFile.orElse(null);
    b.handoffDir = handoffDir.orElse(null);
    b.trigger = trigger;
    return b;
  }

  /**
   * Mutable builder for tests and the attach CLI; {@link #build()} makes the parts, which check their values.
   * The CLI's command line is the operator's, so everything may be set here.
   */
  public static final class Builder {
    private Path outputDir;
    private Duration profileDuration = DEFAULT_PROFILE;
    private boolean liveHistogram;
    private HeapDump heapDump = HeapDump.OFF;
    private long maxSizeMb;
    private String signal = DEFAULT_SIGNAL;
    private Duration minInterval = DEFAULT_MIN_INTERVAL;
    private Path rulesFile;
    private Path siteKeyFile;
    private Path auditConfig;
    private boolean heapDumpRaw;
    private int logTailMb = DEFAULT_LOG_TAIL_MB;
    private int logBudgetMb = DEFAULT_LOG_BUDGET_MB;
    private java.util.List<Path> includes = java.util.List.of();
    private Claims caller = Claims.UNKNOWN;
    private Path statusFile;
    private Path handoffDir;
    private String trigger = "attach";

    public Builder outputDir(Path dir) {
      this.outputDir = dir;
      return this;
    }

    public Builder profileDuration(Duration d) {
      this.profileDuration = d;
      return this;
    }

    public Builder liveHistogram(boolean live) {
      this.liveHistogram = live;
      return this;
    }

    public Builder heapDump(HeapDump h) {
      this.heapDump = h;
      return this;
    }

    /** @param mb the packet's size budget; 0 for none */
    public Builder maxSizeMb(long mb) {
      this.maxSizeMb = mb;
      return this;
    }

    public Builder signal(String name) {
      this.signal = name;
      return this;
    }

    public Builder minInterval(Duration interval) {
      this.minInterval = interval;
      return this;
    }

    public Builder rulesFile(Path file) {
      this.rulesFile = file;
      return this;
    }

    public Builder siteKeyFile(Path file) {
      this.siteKeyFile = file;
      return this;
    }

    public Builder auditConfig(Path file) {
      this.auditConfig = file;
      return this;
    }

    /** UNSAFE: the heap dump goes into the packet unscrubbed. */
    public Builder heapDumpRaw(boolean raw) {
      this.heapDumpRaw = raw;
      return this;
    }

    public Builder logTailMb(int mb) {
      this.logTailMb = mb;
      return this;
    }

    public Builder logBudgetMb(int mb) {
      this.logBudgetMb = mb;
      return this;
    }

    /** Files and directories the operator adds to the packet; the target's view of them. */
    public Builder includes(java.util.List<Path> paths) {
      this.includes = java.util.List.copyOf(paths);
      return this;
    }

    public Builder caller(Claims c) {
      this.caller = c == null ? Claims.UNKNOWN : c;
      return this;
    }

    public Builder statusFile(Path file) {
      this.statusFile = file;
      return this;
    }

    public Builder handoffDir(Path dir) {
      this.handoffDir = dir;
      return this;
    }

    public Builder trigger(String t) {
      this.trigger = t;
      return this;
    }

    /** @throws IllegalArgumentException naming the value out of range */
    public PacketOptions build() {
      return new PacketOptions(new PacketRequest(profileDuration, liveHistogram, heapDump, maxSizeMb, null),
          new StartupSettings(outputDir, signal, minInterval, rulesFile, siteKeyFile, auditConfig, heapDumpRaw,
              logTailMb, logBudgetMb, includes),
          caller, statusFile, handoffDir, trigger);
    }
  }
}
