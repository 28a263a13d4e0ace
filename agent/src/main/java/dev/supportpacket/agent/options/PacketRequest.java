package dev.supportpacket.agent.options;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import dev.supportpacket.agent.options.PacketOptions.HeapDump;

/**
 * What one packet should hold: the part of a request that a trigger may ask for. Immutable; validated here.
 *
 * <p>This is the trust boundary of the triggers. A JMX caller ({@code createPacket(options)}) may be anyone the
 * application's own JMX lets in, so {@link #fromTrigger} accepts exactly these keys and nothing else:
 * <ul>
 *   <li>{@code duration} (1 to 3600 s), {@code histogram} ({@code all|live}),</li>
 *   <li>{@code heapDump} ({@code off|live|all}: always the sanitized dump),</li>
 *   <li>{@code maxSize} (1 to 1048576 MB),</li>
 *   <li>{@code output}: a directory at or below the one the operator's startup settings name (else the working
 *       directory), after following links; it is not created.</li>
 * </ul>
 * Everything else is the operator's ({@link StartupSettings}, {@link Claims}, the status file): refused from a
 * trigger with a message that does not repeat what the caller wrote (see {@link UntrustedText}).
 */
public final class PacketRequest {
  public static final Duration DEFAULT_PROFILE = Duration.ofSeconds(5);
  /** Largest packet budget: 1 TiB is no limit in practice, and keeps the byte count far from overflow. */
  public static final long MAX_SIZE_MB = 1024 * 1024;
  /** The keys of this request in an argument string: the only ones a trigger may give. */
  public static final Set<String> KEYS = Set.of("duration", "histogram", "heapDump", "maxSize", "output");
  /** The defaults: a 5 s profile, histogram of all objects, no heap dump, no budget, the default directory. */
  public static final PacketRequest DEFAULTS = new PacketRequest(DEFAULT_PROFILE, false, HeapDump.OFF, 0, null);

  private final Duration profileDuration;
  private final boolean liveHistogram;
  private final HeapDump heapDump;
  private final long maxSizeMb;
  private final Path outputDir;

  /**
   * @param maxSizeMb 0 for no budget
   * @param outputDir null for the operator's default
   * @throws IllegalArgumentException naming the value out of range
   */
  public PacketRequest(Duration profileDuration, boolean liveHistogram, HeapDump heapDump, long maxSizeMb,
      Path outputDir) {
    long s = profileDuration.getSeconds();
    if (s < 1 || s > 3600 || profileDuration.getNano() != 0) {
      throw new IllegalArgumentException("duration must be 1 to 3600 seconds, not "
          + (profileDuration.getNano() == 0 ? s + " s" : profileDuration.toMillis() + " ms"));
    }
    if (maxSizeMb != 0 && (maxSizeMb < 1 || maxSizeMb > MAX_SIZE_MB)) {
      throw new IllegalArgumentException("maxSize must be 1 to " + MAX_SIZE_MB + " MB, not " + maxSizeMb);
    }
    this.profileDuration = profileDuration;
    this.liveHistogram = liveHistogram;
    this.heapDump = heapDump == null ? HeapDump.OFF : heapDump;
    this.maxSizeMb = maxSizeMb;
    this.outputDir = outputDir;
  }

  /**
   * A trigger's request ({@code createPacket(options)}): only {@link #KEYS}, within {@code startup}'s limits.
   *
   * @param args the caller's option string; may be null or blank (all defaults)
   * @param defaults what a key not given keeps (the startup agent's own request, e.g. its {@code duration})
   * @throws IllegalArgumentException naming the key refused or the value out of range, never quoting raw input
   */
  public static PacketRequest fromTrigger(String args, PacketRequest defaults, StartupSettings startup) {
    Map<String, String> pairs = AgentArgs.decode(args);
    for (String key : pairs.keySet()) {
      if (!KEYS.contains(key)) {
        throw new IllegalArgumentException("option " + UntrustedText.key(key) + " cannot be given by a trigger;"
            + " a trigger may ask for " + String.join(", ", new java.util.TreeSet<>(KEYS))
            + " (the rest is set by the operator at startup or on the attach CLI's command line)");
      }
    }
    PacketRequest r = parse(pairs, defaults.withOutputDir(null));
    if (r.outputDir != null) {
      r = r.withOutputDir(startup.allowTriggerOutput(r.outputDir));
    }
    return r;
  }

  /** The request part of an argument string on top of {@code defaults}; keys of other parts are ignored here. */
  static PacketRequest parse(Map<String, String> pairs, PacketRequest defaults) {
    Duration duration = defaults.profileDuration;
    boolean live = defaults.liveHistogram;
    HeapDump dump = defaults.heapDump;
    long maxSize = defaults.maxSizeMb;
    Path output = defaults.outputDir;
    for (Map.Entry<String, String> e : pairs.entrySet()) {
      String value = e.getValue().trim();
      switch (e.getKey()) {
        case "duration":
          duration = Duration.ofSeconds(number("duration", value, "seconds"));
          break;
        case "histogram":
          if (!value.equals("live") && !value.equals("all")) {
            throw new IllegalArgumentException("histogram must be 'live' or 'all'");
          }
          live = value.equals("live");
          break;
        case "heapDump":
          dump = heapDump(value);
          break;
        case "maxSize":
          maxSize = number("maxSize", value, "MB");
          if (maxSize == 0) {
            throw new IllegalArgumentException("maxSize must be 1 to " + MAX_SIZE_MB + " MB, not 0");
          }
          break;
        case "output":
          output = path("output", value);
          break;
        default:
          break;
      }
    }
    return new PacketRequest(duration, live, dump, maxSize, output);
  }

  /** The pairs {@link #parse} reads back. */
  void encodeInto(Map<String, String> m) {
    if (outputDir != null) {
      m.put("output", outputDir.toString());
    }
    m.put("duration", Long.toString(profileDuration.getSeconds()));
    m.put("histogram", liveHistogram ? "live" : "all");
    if (heapDump != HeapDump.OFF) {
      m.put("heapDump", heapDump.name().toLowerCase(Locale.ROOT));
    }
    if (maxSizeMb > 0) {
      m.put("maxSize", Long.toString(maxSizeMb));
    }
  }

  /** This request as a trigger would write it: what the attach CLI could also ask over JMX. */
  public String toArgs() {
    Map<String, String> m = new LinkedHashMap<>();
    encodeInto(m);
    return AgentArgs.encode(m);
  }

  public Duration profileDuration() {
    return profileDuration;
  }

  /** True to count only live objects in the histogram, which forces a full GC first. */
  public boolean liveHistogram() {
    return liveHistogram;
  }

  /** {@code OFF} unless asked for: a heap dump pauses the application (stop-the-world) while it is written. */
  public HeapDump heapDump() {
    return heapDump;
  }

  /** The packet's size budget in MB; 0 for none. */
  public long maxSizeMb() {
    return maxSizeMb;
  }

  /** The directory asked for; empty for the operator's default. */
  public Optional<Path> outputDir() {
    return Optional.ofNullable(outputDir);
  }

  PacketRequest withOutputDir(Path dir) {
    return new PacketRequest(profileDuration, liveHistogram, heapDump, maxSizeMb, dir);
  }

  private static long number(String key, String value, String unit) {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a whole number of " + unit);
    }
  }

  private static HeapDump heapDump(String value) {
    switch (value) {
      case "live":
        return HeapDump.LIVE;
      case "all":
        return HeapDump.ALL;
      case "off":
        return HeapDump.OFF;
      default:
        throw new IllegalArgumentException("heapDump must be live, all or off");
    }
  }

  static Path path(String key, String value) {
    try {
      if (value.isEmpty()) {
        throw new IllegalArgumentException(key + " needs a path");
      }
      return Paths.get(value);
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException(key + " is not a valid path");
    }
  }

  /** Whether {@code dir}, with links followed where it exists, lies at or below {@code root}'s real location. */
  static boolean within(Path dir, Path root) {
    Path d = dir.toAbsolutePath().normalize();
    Path r = root.toAbsolutePath().normalize();
    if (!d.startsWith(r)) {
      return false;
    }
    try {
      Path realRoot = Files.exists(r) ? r.toRealPath() : r;
      return !Files.exists(d) || d.toRealPath().startsWith(realRoot);
    } catch (IOException e) {
      return false;
    }
  }
}
