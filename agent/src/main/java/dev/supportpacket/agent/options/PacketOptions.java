package dev.supportpacket.agent.options;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What one packet should hold and where it goes. Immutable; parsed once from the agent argument string, which the
 * CLI builds with {@link #toAgentArgs()}.
 *
 * <p>Format: {@code key=value,key=value}; values are percent-encoded where they contain {@code , = %} so that paths
 * survive the trip. Unknown keys are rejected so that a typo in a {@code -javaagent} line is not silently ignored.
 */
public final class PacketOptions {
  public static final Duration DEFAULT_PROFILE = Duration.ofSeconds(5);
  /** The startup agent's signal: ignored by a JVM without our handler, so a stray {@code kill -URG} harms nothing. */
  public static final String DEFAULT_SIGNAL = "URG";
  /** {@code signal=off} turns the signal trigger off. */
  public static final String SIGNAL_OFF = "off";
  public static final Duration DEFAULT_MIN_INTERVAL = Duration.ofSeconds(60);
  /**
   * Signals the JVM itself relies on: USR2 (HotSpot's; a handler on it stops JFR sampling), QUIT (thread dumps),
   * HUP/INT/TERM (shutdown hooks: our handler would replace the orderly shutdown), KILL/STOP (cannot be caught).
   */
  private static final Set<String> JVM_SIGNALS = Set.of("USR2", "QUIT", "HUP", "INT", "TERM", "KILL", "STOP");
  /** Default tail of each active log file, in MB. */
  public static final int DEFAULT_LOG_TAIL_MB = 10;
  /** Default total of all log content (active tails and rolled files), in MB. */
  public static final int DEFAULT_LOG_BUDGET_MB = 50;
  /** Upper bound of both log sizes: the packet must stay a file one can mail. */
  public static final int MAX_LOG_MB = 10_240;

  private final Optional<Path> outputDir;
  private final Duration profileDuration;
  private final Optional<Path> statusFile;
  private final String trigger;
  private final boolean liveHistogram;
  private final String signal;
  private final Duration minInterval;
  private final Optional<Path> rulesFile;
  private final Optional<Path> siteKeyFile;
  private final Optional<Path> auditConfig;
  private final Caller caller;
  private final HeapDump heapDump;
  private final boolean heapDumpRaw;
  private final long maxSizeMb;

  /** Whether the packet holds a heap dump, and of which objects. */
  public enum HeapDump {
    OFF, LIVE, ALL
  }
  private final int logTailMb;
  private final int logBudgetMb;

  private PacketOptions(Builder b) {
    this.outputDir = Optional.ofNullable(b.outputDir);
    this.profileDuration = b.profileDuration;
    this.statusFile = Optional.ofNullable(b.statusFile);
    this.trigger = b.trigger;
    this.liveHistogram = b.liveHistogram;
    this.signal = b.signal;
    this.minInterval = b.minInterval;
    this.rulesFile = Optional.ofNullable(b.rulesFile);
    this.siteKeyFile = Optional.ofNullable(b.siteKeyFile);
    this.auditConfig = Optional.ofNullable(b.auditConfig);
    this.caller = b.caller;
    this.heapDump = b.heapDump;
    this.heapDumpRaw = b.heapDumpRaw;
    this.maxSizeMb = b.maxSizeMb;
    this.logTailMb = b.logTailMb;
    this.logBudgetMb = b.logBudgetMb;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder that starts from these options. */
  public Builder toBuilder() {
    return builder().outputDir(outputDir.orElse(null)).profileDuration(profileDuration)
        .statusFile(statusFile.orElse(null)).trigger(trigger).liveHistogram(liveHistogram).signal(signal)
        .minInterval(minInterval).rulesFile(rulesFile.orElse(null)).siteKeyFile(siteKeyFile.orElse(null))
        .auditConfig(auditConfig.orElse(null)).caller(caller)
        .heapDump(heapDump).heapDumpRaw(heapDumpRaw).maxSizeMb(maxSizeMb)
        .logTailMb(logTailMb).logBudgetMb(logBudgetMb);
  }

  /** {@code OFF} unless asked for: a heap dump pauses the application (stop-the-world) while it is written. */
  public HeapDump heapDump() {
    return heapDump;
  }

  /**
   * UNSAFE: true when the user asked for the heap dump without scrubbing ({@code heapDumpRaw=true}); the packet then
   * holds every secret in memory and says so.
   */
  public boolean heapDumpRaw() {
    return heapDumpRaw;
  }

  /** The packet's size budget in MB; 0 for none. */
  public long maxSizeMb() {
    return maxSizeMb;
  }

  /** The directory the packet is written to; empty means the target's working directory. */
  public Optional<Path> outputDir() {
    return outputDir;
  }

  public Duration profileDuration() {
    return profileDuration;
  }

  /** A file the agent appends progress lines to, for the CLI to follow; empty when nobody is watching. */
  public Optional<Path> statusFile() {
    return statusFile;
  }

  /** What started this packet: attach, signal, jmx. */
  public String trigger() {
    return trigger;
  }

  /** True to count only live objects in the histogram, which forces a full GC first. */
  public boolean liveHistogram() {
    return liveHistogram;
  }

  /** The user's sanitizer rules file (YAML); empty for the built-in rules only. */
  public Optional<Path> rulesFile() {
    return rulesFile;
  }

  /**
   * A file holding the site key, so that tokens match across packets; empty for a random per-packet key. The key
   * itself never travels in the arguments, which other users can read in the process list.
   */
  public Optional<Path> siteKeyFile() {
    return siteKeyFile;
  }

  /** The audit log's YAML configuration; empty for the system property's, else the default file beside the packets. */
  public Optional<Path> auditConfig() {
    return auditConfig;
  }

  /** Who the attach CLI says is asking (its OS user, host and version), for the audit record; unknown by default. */
  public Caller caller() {
    return caller;
  }

  /**
   * Startup agent only: the signal name without {@code SIG} (e.g. {@code URG}) that writes a packet, or
   * {@link #SIGNAL_OFF}.
   */
  public String signal() {
    return signal;
  }

  /** Startup agent only: a signal less than this long after the last accepted one is ignored. */
  public Duration minInterval() {
    return minInterval;
  }

  /** How much of the end of each active log file goes into the packet, in bytes. */
  public long logTailBytes() {
    return logTailMb * 1024L * 1024L;
  }

  /** How much log content goes into the packet in all (active tails first, then the newest rolled files), in bytes. */
  public long logBudgetBytes() {
    return logBudgetMb * 1024L * 1024L;
  }

  /**
   * Parses the agent argument string.
   *
   * @param args may be null or empty (all defaults)
   * @throws IllegalArgumentException naming the offending key or value
   */
  public static PacketOptions parse(String args) {
    return parse(args, builder().build());
  }

  /**
   * Parses the agent argument string on top of {@code defaults}: a key not given keeps its default. The JMX trigger
   * uses this so that {@code createPacket("duration=1")} still writes to the directory the startup agent was given.
   *
   * @param args may be null or empty (the defaults)
   * @throws IllegalArgumentException naming the offending key or value
   */
  public static PacketOptions parse(String args, PacketOptions defaults) {
    Builder b = defaults.toBuilder();
    if (args == null || args.isBlank()) {
      return b.build();
    }
    for (String pair : args.split(",")) {
      if (pair.isBlank()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = (eq < 0 ? pair : pair.substring(0, eq)).trim();
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      switch (key) {
        case "output":
          b.outputDir(Paths.get(value));
          break;
        case "duration":
          b.profileDuration(parseSeconds(value));
          break;
        case "status":
          b.statusFile(Paths.get(value));
          break;
        case "trigger":
          b.trigger(value);
          break;
        case "histogram":
          if (!value.equals("live") && !value.equals("all")) {
            throw new IllegalArgumentException("histogram must be 'live' or 'all', not '" + value + "'");
          }
          b.liveHistogram(value.equals("live"));
          break;
        case "signal":
          b.signal(parseSignal(value));
          break;
        case "minInterval":
          b.minInterval(parseInterval(value));
          break;
        case "rules":
          b.rulesFile(Paths.get(value));
          break;
        case "siteKeyFile":
          b.siteKeyFile(Paths.get(value));
          break;
        case "audit":
          b.auditConfig(Paths.get(value));
          break;
        case "user":
          b.caller(new Caller(value, b.caller.clientHost, b.caller.client));
          break;
        case "clientHost":
          b.caller(new Caller(b.caller.user, value, b.caller.client));
          break;
        case "client":
          b.caller(new Caller(b.caller.user, b.caller.clientHost, value));
          break;
        case "heapDump":
          b.heapDump(parseHeapDump(value));
          break;
        case "heapDumpRaw":
          if (!value.equals("true") && !value.equals("false")) {
            throw new IllegalArgumentException("heapDumpRaw must be true or false, not '" + value + "'");
          }
          b.heapDumpRaw(value.equals("true"));
          break;
        case "maxSize":
          b.maxSizeMb(parseMaxSize(value));
          break;
        case "logTail":
          b.logTailMb(parseMegabytes(key, value));
          break;
        case "logBudget":
          b.logBudgetMb(parseMegabytes(key, value));
          break;
        default:
          throw new IllegalArgumentException("unknown agent option '" + key + "'");
      }
    }
    return b.build();
  }

  /** The status file named in an argument string that may not parse, so that the failure can still be told. */
  public static Optional<Path> statusFileIn(String args) {
    if (args != null) {
      for (String pair : args.split(",")) {
        if (pair.startsWith("status=")) {
          return Optional.of(Paths.get(decode(pair.substring("status=".length()))));
        }
      }
    }
    return Optional.empty();
  }

  /** The inverse of {@link #parse}: what the CLI hands to the agent. */
  public String toAgentArgs() {
    Map<String, String> m = new LinkedHashMap<>();
    outputDir.ifPresent(p -> m.put("output", p.toString()));
    m.put("duration", Long.toString(profileDuration.toMillis() / 1000));
    statusFile.ifPresent(p -> m.put("status", p.toString()));
    m.put("trigger", trigger);
    m.put("histogram", liveHistogram ? "live" : "all");
    if (!signal.equals(DEFAULT_SIGNAL)) {
      m.put("signal", signal);
    }
    if (!minInterval.equals(DEFAULT_MIN_INTERVAL)) {
      m.put("minInterval", Long.toString(minInterval.getSeconds()));
    }
    rulesFile.ifPresent(p -> m.put("rules", p.toString()));
    siteKeyFile.ifPresent(p -> m.put("siteKeyFile", p.toString()));
    auditConfig.ifPresent(p -> m.put("audit", p.toString()));
    caller.user().ifPresent(u -> m.put("user", u));
    caller.clientHost().ifPresent(h -> m.put("clientHost", h));
    caller.client().ifPresent(c -> m.put("client", c));
    if (heapDump != HeapDump.OFF) {
      m.put("heapDump", heapDump.name().toLowerCase(Locale.ROOT));
    }
    if (heapDumpRaw) {
      m.put("heapDumpRaw", "true");
    }
    if (maxSizeMb > 0) {
      m.put("maxSize", Long.toString(maxSizeMb));
    }
    if (logTailMb != DEFAULT_LOG_TAIL_MB) {
      m.put("logTail", Integer.toString(logTailMb));
    }
    if (logBudgetMb != DEFAULT_LOG_BUDGET_MB) {
      m.put("logBudget", Integer.toString(logBudgetMb));
    }
    StringBuilder sb = new StringBuilder();
    m.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ",").append(k).append('=').append(encode(v)));
    return sb.toString();
  }

  private static Duration parseSeconds(String value) {
    try {
      long s = Long.parseLong(value.trim());
      if (s < 1 || s > 3600) {
        throw new IllegalArgumentException("duration must be 1 to 3600 seconds, not " + s);
      }
      return Duration.ofSeconds(s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("duration must be a whole number of seconds, not '" + value + "'");
    }
  }

  private static HeapDump parseHeapDump(String value) {
    switch (value.trim()) {
      case "live":
        return HeapDump.LIVE;
      case "all":
        return HeapDump.ALL;
      case "off":
        return HeapDump.OFF;
      default:
        throw new IllegalArgumentException("heapDump must be live, all or off, not '" + value + "'");
    }
  }

  private static long parseMaxSize(String value) {
    try {
      long mb = Long.parseLong(value.trim());
      if (mb < 1 || mb > 1024 * 1024) {
        throw new IllegalArgumentException("maxSize must be 1 to 1048576 MB, not " + mb);
      }
      return mb;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("maxSize must be a whole number of MB, not '" + value + "'");
    }
  }

  private static String parseSignal(String value) {
    String v = value.trim();
    if (v.equalsIgnoreCase(SIGNAL_OFF)) {
      return SIGNAL_OFF;
    }
    String name = v.toUpperCase(Locale.ROOT);
    name = name.startsWith("SIG") ? name.substring(3) : name;
    if (!name.matches("[A-Z][A-Z0-9]*")) {
      throw new IllegalArgumentException("signal must be a name such as URG or WINCH, or off, not '" + value + "'");
    }
    if (JVM_SIGNALS.contains(name)) {
      throw new IllegalArgumentException("signal SIG" + name + " belongs to the JVM; use URG (the default) or WINCH");
    }
    return name;
  }

  private static Duration parseInterval(String value) {
    try {
      long s = Long.parseLong(value.trim());
      if (s < 0 || s > 86400) {
        throw new IllegalArgumentException("minInterval must be 0 to 86400 seconds, not " + s);
      }
      return Duration.ofSeconds(s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("minInterval must be a whole number of seconds, not '" + value + "'");
    }
  }

  private static int parseMegabytes(String key, String value) {
    try {
      int mb = Integer.parseInt(value.trim());
      if (mb < 1 || mb > MAX_LOG_MB) {
        throw new IllegalArgumentException(key + " must be 1 to " + MAX_LOG_MB + " MB, not " + mb);
      }
      return mb;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a whole number of MB, not '" + value + "'");
    }
  }

  static String encode(String v) {
    StringBuilder sb = new StringBuilder();
    for (char c : v.toCharArray()) {
      if (c == ',' || c == '=' || c == '%' || c < 0x20) {
        sb.append(String.format("%%%02X", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  static String decode(String v) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c == '%' && i + 2 < v.length()) {
        sb.append((char) Integer.parseInt(v.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /** Mutable builder; {@link #build()} gives the immutable options. */
  public static final class Builder {
    private Path outputDir;
    private Duration profileDuration = DEFAULT_PROFILE;
    private Path statusFile;
    private String trigger = "attach";
    private boolean liveHistogram;
    private String signal = DEFAULT_SIGNAL;
    private Duration minInterval = DEFAULT_MIN_INTERVAL;
    private Path rulesFile;
    private Path siteKeyFile;
    private Path auditConfig;
    private Caller caller = Caller.UNKNOWN;
    private HeapDump heapDump = HeapDump.OFF;
    private boolean heapDumpRaw;
    private long maxSizeMb;

    public Builder heapDump(HeapDump h) {
      this.heapDump = h;
      return this;
    }

    /** UNSAFE: the heap dump goes into the packet unscrubbed. */
    public Builder heapDumpRaw(boolean raw) {
      this.heapDumpRaw = raw;
      return this;
    }

    /** @param mb the packet's size budget; 0 for none */
    public Builder maxSizeMb(long mb) {
      this.maxSizeMb = mb;
      return this;
    }
    private int logTailMb = DEFAULT_LOG_TAIL_MB;
    private int logBudgetMb = DEFAULT_LOG_BUDGET_MB;

    public Builder outputDir(Path dir) {
      this.outputDir = dir;
      return this;
    }

    public Builder profileDuration(Duration d) {
      this.profileDuration = d;
      return this;
    }

    public Builder statusFile(Path file) {
      this.statusFile = file;
      return this;
    }

    public Builder trigger(String t) {
      this.trigger = t;
      return this;
    }

    public Builder liveHistogram(boolean live) {
      this.liveHistogram = live;
      return this;
    }

    /** @param name a signal name without SIG, or {@link PacketOptions#SIGNAL_OFF}; checked by {@link #parse} */
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

    public Builder caller(Caller c) {
      this.caller = c == null ? Caller.UNKNOWN : c;
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

    public PacketOptions build() {
      return new PacketOptions(this);
    }
  }

  /**
   * What the attach CLI tells the agent about itself: its OS user, host and name/version. Claims of the process that
   * attached (only the target's own user or root can), recorded as such in the audit log. Each part may be absent.
   */
  public static final class Caller {
    public static final Caller UNKNOWN = new Caller(null, null, null);

    private final String user;
    private final String clientHost;
    private final String client;

    public Caller(String user, String clientHost, String client) {
      this.user = blankToNull(user);
      this.clientHost = blankToNull(clientHost);
      this.client = blankToNull(client);
    }

    private static String blankToNull(String s) {
      return s == null || s.isBlank() ? null : s;
    }

    public Optional<String> user() {
      return Optional.ofNullable(user);
    }

    public Optional<String> clientHost() {
      return Optional.ofNullable(clientHost);
    }

    public Optional<String> client() {
      return Optional.ofNullable(client);
    }
  }
}
