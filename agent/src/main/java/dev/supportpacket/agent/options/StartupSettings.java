package dev.supportpacket.agent.options;

import java.io.File;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What only the operator sets: at startup ({@code -javaagent:agent.jar=...}) or on the attach CLI's own command line
 * (only the target's user or root can attach). Never from a trigger: see {@link PacketRequest#fromTrigger}.
 * Immutable; validated here.
 */
public final class StartupSettings {
  /** The startup agent's signal: ignored by a JVM without our handler, so a stray {@code kill -URG} harms nothing. */
  public static final String DEFAULT_SIGNAL = "URG";
  /** {@code signal=off} turns the signal trigger off. */
  public static final String SIGNAL_OFF = "off";
  public static final Duration DEFAULT_MIN_INTERVAL = Duration.ofSeconds(60);
  /** Default tail of each active log file, in MB. */
  public static final int DEFAULT_LOG_TAIL_MB = 10;
  /** Default total of all log content (active tails and rolled files), in MB. */
  public static final int DEFAULT_LOG_BUDGET_MB = 50;
  /** Upper bound of both log sizes: the packet must stay a file one can mail. */
  public static final int MAX_LOG_MB = 10_240;
  /** The keys of these settings in an argument string. */
  static final Set<String> KEYS = Set.of("output", "signal", "minInterval", "rules", "siteKeyFile", "audit",
      "heapDumpRaw", "logTail", "logBudget", "include");
  /** Most paths one packet may include: each is walked within its own caps, and all share one total. */
  public static final int MAX_INCLUDES = 16;
  /**
   * Signals the JVM itself relies on: USR2 (HotSpot's; a handler on it stops JFR sampling), QUIT (thread dumps),
   * HUP/INT/TERM (shutdown hooks: our handler would replace the orderly shutdown), KILL/STOP (cannot be caught).
   */
  private static final Set<String> JVM_SIGNALS = Set.of("USR2", "QUIT", "HUP", "INT", "TERM", "KILL", "STOP");
  /** Declared after everything the constructor reads. */
  public static final StartupSettings DEFAULTS = new StartupSettings(null, DEFAULT_SIGNAL, DEFAULT_MIN_INTERVAL, null,
      null, null, false, DEFAULT_LOG_TAIL_MB, DEFAULT_LOG_BUDGET_MB, List.of());

  private final Path outputDir;
  private final String signal;
  private final Duration minInterval;
  private final Path rulesFile;
  private final Path siteKeyFile;
  private final Path auditConfig;
  private final boolean heapDumpRaw;
  private final int logTailMb;
  private final int logBudgetMb;
  private final List<Path> includes;

  /**
   * @param outputDir, rulesFile, siteKeyFile, auditConfig null when not set
   * @param includes files and directories the operator adds to the packet (sanitized like everything); none: empty
   * @param signal a signal name with or without {@code SIG}, in any case, or {@link #SIGNAL_OFF}
   * @throws IllegalArgumentException naming the setting out of range
   */
  public StartupSettings(Path outputDir, String signal, Duration minInterval, Path rulesFile, Path siteKeyFile,
      Path auditConfig, boolean heapDumpRaw, int logTailMb, int logBudgetMb, List<Path> includes) {
    this.outputDir = outputDir;
    this.signal = signalName(signal);
    long s = minInterval.getSeconds();
    if (s < 0 || s > 86400) {
      throw new IllegalArgumentException("minInterval must be 0 to 86400 seconds, not " + s);
    }
    this.minInterval = minInterval;
    this.rulesFile = rulesFile;
    this.siteKeyFile = siteKeyFile;
    this.auditConfig = auditConfig;
    this.heapDumpRaw = heapDumpRaw;
    this.logTailMb = megabytes("logTail", logTailMb);
    this.logBudgetMb = megabytes("logBudget", logBudgetMb);
    this.includes = includes(includes);
  }

  /** The settings of a full (operator's) argument string; keys of other parts are ignored here. */
  static StartupSettings parse(Map<String, String> pairs) {
    Path output = null;
    String signal = DEFAULT_SIGNAL;
    Duration interval = DEFAULT_MIN_INTERVAL;
    Path rules = null;
    Path siteKey = null;
    Path audit = null;
    boolean raw = false;
    int tail = DEFAULT_LOG_TAIL_MB;
    int budget = DEFAULT_LOG_BUDGET_MB;
    List<Path> includes = new ArrayList<>();
    for (Map.Entry<String, String> e : pairs.entrySet()) {
      String key = e.getKey();
      String value = e.getValue();
      switch (key) {
        case "output":
          output = PacketRequest.path(key, value);
          break;
        case "signal":
          signal = value;
          break;
        case "minInterval":
          interval = Duration.ofSeconds(PacketRequest.number(key, value, "seconds"));
          break;
        case "rules":
          rules = PacketRequest.path(key, value);
          break;
        case "siteKeyFile":
          siteKey = PacketRequest.path(key, value);
          break;
        case "audit":
          audit = PacketRequest.path(key, value);
          break;
        case "heapDumpRaw":
          if (!value.equals("true") && !value.equals("false")) {
            throw new IllegalArgumentException("heapDumpRaw must be true or false");
          }
          raw = value.equals("true");
          break;
        case "logTail":
          tail = (int) Math.min(Integer.MAX_VALUE, PacketRequest.number(key, value, "MB"));
          break;
        case "logBudget":
          budget = (int) Math.min(Integer.MAX_VALUE, PacketRequest.number(key, value, "MB"));
          break;
        case "include":
          // Several paths in one value, as on a class path: the argument string allows each key once.
          for (String p : value.split(File.pathSeparator)) {
            if (!p.isBlank()) {
              includes.add(PacketRequest.path(key, p.trim()));
            }
          }
          break;
        default:
          break;
      }
    }
    return new StartupSettings(output, signal, interval, rules, siteKey, audit, raw, tail, budget, includes);
  }

  /** The pairs {@link #parse} reads back; defaults are left out. */
  void encodeInto(Map<String, String> m) {
    if (outputDir != null) {
      m.put("output", outputDir.toString());
    }
    if (!signal.equals(DEFAULT_SIGNAL)) {
      m.put("signal", signal);
    }
    if (!minInterval.equals(DEFAULT_MIN_INTERVAL)) {
      m.put("minInterval", Long.toString(minInterval.getSeconds()));
    }
    if (rulesFile != null) {
      m.put("rules", rulesFile.toString());
    }
    if (siteKeyFile != null) {
      m.put("siteKeyFile", siteKeyFile.toString());
    }
    if (auditConfig != null) {
      m.put("audit", auditConfig.toString());
    }
    if (heapDumpRaw) {
      m.put("heapDumpRaw", "true");
    }
    if (logTailMb != DEFAULT_LOG_TAIL_MB) {
      m.put("logTail", Integer.toString(logTailMb));
    }
    if (logBudgetMb != DEFAULT_LOG_BUDGET_MB) {
      m.put("logBudget", Integer.toString(logBudgetMb));
    }
    if (!includes.isEmpty()) {
      List<String> paths = new ArrayList<>();
      includes.forEach(p -> paths.add(p.toString()));
      m.put("include", String.join(File.pathSeparator, paths));
    }
  }

  /**
   * The directory a trigger asked for, if these settings allow it: at or below {@link #outputDir()} (the working
   * directory when not set), links followed.
   *
   * @throws IllegalArgumentException naming the directory triggers may write to
   */
  Path allowTriggerOutput(Path asked) {
    Path root = outputDir != null ? outputDir : Paths.get(System.getProperty("user.dir"));
    if (!PacketRequest.within(asked, root)) {
      throw new IllegalArgumentException("a trigger may only ask for an output directory at or below " + root
          + " (the agent's output setting)");
    }
    return asked.toAbsolutePath().normalize();
  }

  /** The directory packets go to unless a request names one below it; empty means the target's working directory. */
  public Optional<Path> outputDir() {
    return Optional.ofNullable(outputDir);
  }

  /** The signal name without {@code SIG} (e.g. {@code URG}) that writes a packet, or {@link #SIGNAL_OFF}. */
  public String signal() {
    return signal;
  }

  /** A signal less than this long after the last accepted one is ignored. */
  public Duration minInterval() {
    return minInterval;
  }

  /** The user's sanitizer rules file (YAML); empty for the built-in rules only. */
  public Optional<Path> rulesFile() {
    return Optional.ofNullable(rulesFile);
  }

  /**
   * A file holding the site key, so that tokens match across packets; empty for a random per-packet key. The key
   * itself never travels in the arguments, which other users can read in the process list.
   */
  public Optional<Path> siteKeyFile() {
    return Optional.ofNullable(siteKeyFile);
  }

  /** The audit log's YAML configuration; empty for the system property's, else the default file beside the packets. */
  public Optional<Path> auditConfig() {
    return Optional.ofNullable(auditConfig);
  }

  /**
   * UNSAFE: true when the operator asked for the heap dump without scrubbing; the packet then holds every secret in
   * memory and says so. Never from a trigger.
   */
  public boolean heapDumpRaw() {
    return heapDumpRaw;
  }

  public int logTailMb() {
    return logTailMb;
  }

  public int logBudgetMb() {
    return logBudgetMb;
  }

  /**
   * Files and directories the operator adds to the packet ({@code --include}, {@code include=}); they are read as the
   * target's user and from the target's view of the file system (inside its container, if any).
   */
  public List<Path> includes() {
    return includes;
  }

  private static List<Path> includes(List<Path> paths) {
    List<Path> out = List.copyOf(paths == null ? List.of() : paths);
    if (out.size() > MAX_INCLUDES) {
      throw new IllegalArgumentException("include takes at most " + MAX_INCLUDES + " paths, not " + out.size()
          + "; include their common directory instead");
    }
    for (Path p : out) {
      if (p.toString().contains(File.pathSeparator) || p.toString().indexOf('\n') >= 0) {
        throw new IllegalArgumentException("include paths cannot hold '" + File.pathSeparator + "' or a line break");
      }
    }
    return out;
  }

  private static String signalName(String value) {
    String v = value.trim();
    if (v.equalsIgnoreCase(SIGNAL_OFF)) {
      return SIGNAL_OFF;
    }
    String name = v.toUpperCase(Locale.ROOT);
    name = name.startsWith("SIG") ? name.substring(3) : name;
    if (!name.matches("[A-Z][A-Z0-9]{0,15}")) {
      throw new IllegalArgumentException("signal must be a name such as URG or WINCH, or off");
    }
    if (JVM_SIGNALS.contains(name)) {
      throw new IllegalArgumentException("signal SIG" + name + " belongs to the JVM; use URG (the default) or WINCH");
    }
    return name;
  }

  private static int megabytes(String key, int mb) {
    if (mb < 1 || mb > MAX_LOG_MB) {
      throw new IllegalArgumentException(key + " must be 1 to " + MAX_LOG_MB + " MB, not " + mb);
    }
    return mb;
  }
}
