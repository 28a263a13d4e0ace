package dev.supportpacket.agent.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The audit configuration (YAML), shaped after Mattermost's advanced logging:
 *
 * <pre>
 * queue_size: 1000                 # records waiting for slow targets; beyond it they are dropped and counted
 * hmac_key_file: /etc/sp/audit.hmac  # optional: keys the chain (HMAC-SHA256); at least 16 bytes, mode 0600
 * targets:
 *   local:
 *     type: file                   # file | console | none
 *     format: json                 # json | plain
 *     format_options: {delim: " | ", timestamp_format: "yyyy-MM-dd HH:mm:ss.SSS XXX"}
 *     levels: [info, warn, error]
 *     options: {filename: /var/log/sp/audit.jsonl, max_size: 10MB, max_age: 7d, max_backups: 10, compress: true,
 *               seal_every: 1, signing_key_file: /etc/sp/audit.key}
 *   screen: {type: console, format: plain, options: {out: stderr}}
 * </pre>
 *
 * A file target without {@code filename} writes beside each packet, as the default does. Unknown keys are
 * refused, as for the agent options: a typo must not silently leave a site without its audit trail.
 */
public final class AuditConfig {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Set<String> TOP = Set.of("queue_size", "hmac_key_file", "targets");
  private static final Set<String> TARGET = Set.of("type", "format", "format_options", "levels", "options");

  private AuditConfig() {}

  /** No configuration: one chained JSON-lines file beside the packets, every level. */
  public static AuditLog defaults(Function<AuditRecord, Path> besidePacket, PrintStream err) {
    FileTarget file = new FileTarget("default", besidePacket, AuditFormat.json(null), true,
        EnumSet.allOf(AuditRecord.Level.class), new FileTarget.Settings());
    return new AuditLog(List.of(file), AuditLog.DEFAULT_CAPACITY, err);
  }

  /**
   * Reads a configuration file.
   *
   * @throws IOException when the file cannot be read
   * @throws IllegalArgumentException naming the key or value that is wrong
   */
  public static AuditLog load(Path file, Function<AuditRecord, Path> besidePacket, PrintStream err) throws IOException {
    JsonNode root = YAML.readTree(file.toFile());
    if (root == null || root.isMissingNode() || root.isNull()) {
      root = YAML.createObjectNode();
    }
    if (!root.isObject()) {
      throw new IllegalArgumentException(file + ": the audit configuration must be a map");
    }
    onlyKeys(root, TOP, "audit configuration");
    byte[] hmacKey = null;
    if (root.hasNonNull("hmac_key_file")) {
      hmacKey = readKey(Paths.get(root.get("hmac_key_file").asText()));
    }
    List<AuditTarget> targets = new ArrayList<>();
    JsonNode ts = root.path("targets");
    for (Iterator<Map.Entry<String, JsonNode>> it = ts.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      AuditTarget t = target(e.getKey(), e.getValue(), hmacKey, besidePacket, err);
      if (t != null) {
        targets.add(t);
      }
    }
    int capacity = root.path("queue_size").asInt(AuditLog.DEFAULT_CAPACITY);
    return new AuditLog(targets, capacity, err);
  }

  private static AuditTarget target(String name, JsonNode t, byte[] hmacKey, Function<AuditRecord, Path> besidePacket,
      PrintStream err) {
    onlyKeys(t, TARGET, "target " + name);
    String type = t.path("type").asText("");
    JsonNode fo = t.path("format_options");
    String fmt = t.path("format").asText("json");
    AuditFormat format;
    if (fmt.equals("json")) {
      format = AuditFormat.json(text(fo, "timestamp_format"));
    } else if (fmt.equals("plain")) {
      format = AuditFormat.plain(text(fo, "delim"), text(fo, "timestamp_format"));
    } else {
      throw new IllegalArgumentException("target " + name + ": format must be json or plain, not '" + fmt + "'");
    }
    Set<AuditRecord.Level> levels = levels(name, t.path("levels"));
    JsonNode o = t.path("options");
    switch (type) {
      case "none":
        return null;
      case "console": {
        String out = o.path("out").asText("stdout");
        if (!out.equals("stdout") && !out.equals("stderr")) {
          throw new IllegalArgumentException("target " + name + ": out must be stdout or stderr, not '" + out + "'");
        }
        return new ConsoleTarget(name, out.equals("stderr") ? System.err : System.out, format, levels);
      }
      case "file": {
        FileTarget.Settings s = new FileTarget.Settings();
        s.hmacKey = hmacKey;
        if (o.has("max_size")) {
          s.maxSize = size(name, o.get("max_size").asText());
        }
        if (o.has("max_age")) {
          s.maxAge = age(name, o.get("max_age").asText());
        }
        s.maxBackups = o.path("max_backups").asInt(0);
        s.compress = o.path("compress").asBoolean(true);
        s.sealEvery = o.path("seal_every").asInt(1);
        if (o.hasNonNull("signing_key_file")) {
          s.signingKeyFile = Paths.get(o.get("signing_key_file").asText());
        }
        Function<AuditRecord, Path> fileOf = besidePacket;
        if (o.hasNonNull("filename")) {
          Path fixed = Paths.get(o.get("filename").asText()).toAbsolutePath();
          fileOf = r -> fixed;
        }
        return new FileTarget(name, fileOf, format, fmt.equals("json"), levels, s);
      }
      default:
        throw new IllegalArgumentException("target " + name + ": type must be file, console or none, not '" + type
            + "' (syslog, tcp and gelf are not built yet)");
    }
  }

  private static Set<AuditRecord.Level> levels(String name, JsonNode list) {
    if (list.isMissingNode() || list.isNull()) {
      return EnumSet.allOf(AuditRecord.Level.class);
    }
    Set<AuditRecord.Level> levels = EnumSet.noneOf(AuditRecord.Level.class);
    for (JsonNode l : list) {
      String v = l.isObject() ? l.path("name").asText() : l.asText();
      try {
        levels.add(AuditRecord.Level.valueOf(v.toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("target " + name + ": level must be info, warn or error, not '" + v + "'");
      }
    }
    return levels;
  }

  /** {@code 10MB}, {@code 512KB}, {@code 200B}, or a bare number of megabytes (as Mattermost's max_size). */
  static long size(String name, String v) {
    String s = v.trim().toUpperCase(Locale.ROOT);
    try {
      if (s.endsWith("MB")) {
        return Long.parseLong(s.substring(0, s.length() - 2).trim()) * 1024 * 1024;
      }
      if (s.endsWith("KB")) {
        return Long.parseLong(s.substring(0, s.length() - 2).trim()) * 1024;
      }
      if (s.endsWith("B")) {
        return Long.parseLong(s.substring(0, s.length() - 1).trim());
      }
      return Long.parseLong(s) * 1024 * 1024;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("target " + name + ": max_size must be like 10MB, 512KB or 200B, not '" + v + "'");
    }
  }

  /** {@code 7d}, {@code 12h}, {@code 30m}, {@code 10s}, or a bare number of days. */
  static Duration age(String name, String v) {
    String s = v.trim().toLowerCase(Locale.ROOT);
    try {
      char unit = s.isEmpty() ? ' ' : s.charAt(s.length() - 1);
      String n = Character.isDigit(unit) ? s : s.substring(0, s.length() - 1);
      long x = Long.parseLong(n.trim());
      switch (unit) {
        case 'h':
          return Duration.ofHours(x);
        case 'm':
          return Duration.ofMinutes(x);
        case 's':
          return Duration.ofSeconds(x);
        case 'd':
          return Duration.ofDays(x);
        default:
          return Duration.ofDays(x);
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("target " + name + ": max_age must be like 7d, 12h or 30m, not '" + v + "'");
    }
  }

  private static byte[] readKey(Path file) throws IOException {
    byte[] raw = Files.readAllBytes(file);
    String text = new String(raw, java.nio.charset.StandardCharsets.US_ASCII).trim();
    byte[] key;
    try {
      key = Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      key = raw;
    }
    if (key.length < 16) {
      throw new IllegalArgumentException("hmac_key_file " + file + " holds fewer than 16 bytes");
    }
    return key;
  }

  private static String text(JsonNode n, String key) {
    return n.hasNonNull(key) ? n.get(key).asText() : null;
  }

  private static void onlyKeys(JsonNode n, Set<String> allowed, String where) {
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!allowed.contains(k)) {
        throw new IllegalArgumentException(where + ": unknown key '" + k + "' (known: " + new java.util.TreeSet<>(allowed) + ")");
      }
    }
  }
}
