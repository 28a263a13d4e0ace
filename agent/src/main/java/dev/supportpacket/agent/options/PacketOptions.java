package dev.supportpacket.agent.options;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What one packet should hold and where it goes. Immutable; parsed once from the agent argument string, which the
 * CLI builds with {@link #toAgentArgs()}.
 *
 * <p>Format: {@code key=value,key=value}; values are percent-encoded where they contain {@code , = %} so that paths
 * survive the trip. Unknown keys are rejected so that a typo in a {@code -javaagent} line is not silently ignored.
 */
public final class PacketOptions {
  public static final Duration DEFAULT_PROFILE = Duration.ofSeconds(5);

  private final Optional<Path> outputDir;
  private final Duration profileDuration;
  private final Optional<Path> statusFile;
  private final String trigger;
  private final boolean liveHistogram;
  private final Optional<Path> rulesFile;
  private final Optional<Path> siteKeyFile;

  private PacketOptions(Builder b) {
    this.outputDir = Optional.ofNullable(b.outputDir);
    this.profileDuration = b.profileDuration;
    this.statusFile = Optional.ofNullable(b.statusFile);
    this.trigger = b.trigger;
    this.liveHistogram = b.liveHistogram;
    this.rulesFile = Optional.ofNullable(b.rulesFile);
    this.siteKeyFile = Optional.ofNullable(b.siteKeyFile);
  }

  public static Builder builder() {
    return new Builder();
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

  /**
   * Parses the agent argument string.
   *
   * @param args may be null or empty (all defaults)
   * @throws IllegalArgumentException naming the offending key or value
   */
  public static PacketOptions parse(String args) {
    Builder b = builder();
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
        case "rules":
          b.rulesFile(Paths.get(value));
          break;
        case "siteKeyFile":
          b.siteKeyFile(Paths.get(value));
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
    rulesFile.ifPresent(p -> m.put("rules", p.toString()));
    siteKeyFile.ifPresent(p -> m.put("siteKeyFile", p.toString()));
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
    private Path rulesFile;
    private Path siteKeyFile;

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

    public Builder rulesFile(Path file) {
      this.rulesFile = file;
      return this;
    }

    public Builder siteKeyFile(Path file) {
      this.siteKeyFile = file;
      return this;
    }

    public PacketOptions build() {
      return new PacketOptions(this);
    }
  }
}
