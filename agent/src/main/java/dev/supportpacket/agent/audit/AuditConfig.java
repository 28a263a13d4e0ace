package dev.supportpacket.agent.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.supportpacket.agent.AppIdentity;
import dev.supportpacket.agent.packet.PrivateFiles;
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
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The audit configuration (YAML), shaped after Mattermost's advanced logging:
 *
 * <pre>
 * queue_size: 1000                 # records waiting for slow targets; beyond it they are dropped and counted
 * hmac_key_file: /etc/sp/audit.hmac  # optional: keys the chain (HMAC-SHA256); at least 16 bytes, mode 0600
 * targets:
 *   local:
 *     type: file                   # file | console | syslog | tcp | none
 *     format: json                 # json | plain | gelf
 *     format_options: {delim: " | ", timestamp_format: "yyyy-MM-dd HH:mm:ss.SSS XXX"}
 *     levels: [info, warn, error]
 *     options: {filename: /var/log/sp/audit.jsonl, max_size: 10MB, max_age: 7d, max_backups: 10, compress: true,
 *               seal_every: 1, signing_key_file: /etc/sp/audit.key}
 *   screen: {type: console, format: plain, options: {out: stderr}}
 *   siem: {type: syslog, options: {host: logs.example, protocol: tls, ca_cert: /etc/sp/ca.pem, tag: support-packet}}
 *   graylog: {type: tcp, format: gelf, options: {host: graylog.example, port: 12201}}
 * </pre>
 *
 * A file target without {@code filename} writes beside each packet, as the default does. Unknown keys are
 * refused, as for the agent options: a typo must not silently leave a site without its audit trail.
 */
public final class AuditConfig {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Set<String> TOP = Set.of("queue_size", "hmac_key_file", "targets");
  private static final Set<String> TARGET = Set.of("type", "format", "format_options", "levels", "options");
  /** The options each type of target knows. */
  private static final Map<String, Set<String>> OPTIONS = Map.of(
      "console", Set.of("out"),
      "file", Set.of("filename", "max_size", "max_age", "max_backups", "compress", "seal_every", "signing_key_file"),
      "syslog", Set.of("host", "port", "protocol", "tag", "facility", "sd_id", "ca_cert", "insecure", "connect_timeout"),
      "tcp", Set.of("host", "port", "tls", "ca_cert", "insecure", "connect_timeout"));

  private AuditConfig() {}

  /** No configuration: one chained JSON-lines file beside the packets, every level. */
  public static AuditLog defaults(Function<AuditRecord, Path> besidePacket, PrintStream err) {
    FileTarget.Settings s = new FileTarget.Settings();
    s.fallback = PacketAudit::fallbackFile;
    FileTarget file = new FileTarget("default", besidePacket, AuditFormat.json(null), true,
        EnumSet.allOf(AuditRecord.Level.class), s);
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
      AuditTarget t = target(e.getKey(), e.getValue(), hmacKey, besidePacket);
      if (t != null) {
        targets.add(t);
      }
    }
    int capacity = root.path("queue_size").asInt(AuditLog.DEFAULT_CAPACITY);
    return new AuditLog(targets, capacity, err);
  }

  private static AuditTarget target(String name, JsonNode t, byte[] hmacKey, Function<AuditRecord, Path> besidePacket)
      throws IOException {
    onlyKeys(t, TARGET, "target " + name);
    String type = t.path("type").asText("");
    if (type.equals("none")) {
      return null;
    }
    if (!OPTIONS.containsKey(type)) {
      throw new IllegalArgumentException("target " + name + ": type must be one of " + new TreeSet<>(OPTIONS.keySet())
          + " or none, not '" + type + "'");
    }
    JsonNode o = t.path("options");
    onlyKeys(o, OPTIONS.get(type), "target " + name + " options");
    String fmt = t.path("format").asText("json");
    AuditFormat format = format(name, fmt, t.path("format_options"));
    Set<AuditRecord.Level> levels = levels(name, t.path("levels"));
    switch (type) {
      case "console": {
        String out = o.path("out").asText("stdout");
        if (!out.equals("stdout") && !out.equals("stderr")) {
          throw new IllegalArgumentException("target " + name + ": out must be stdout or stderr, not '" + out + "'");
        }
        return new ConsoleTarget(name, out.equals("stderr") ? System.err : System.out, format, levels);
      }
      case "file":
        return file(name, o, format, fmt.equals("json"), levels, hmacKey, besidePacket);
      case "syslog": {
        NetworkTarget.Protocol protocol = protocol(name, o.path("protocol").asText("tcp"));
        String facility = o.path("facility").asText("authpriv");
        if (SyslogMessage.facility(facility) < 0) {
          throw new IllegalArgumentException("target " + name + ": facility must be one of "
              + String.join(", ", SyslogMessage.FACILITIES) + ", not '" + facility + "'");
        }
        String sdId = text(o, "sd_id");
        if (sdId != null && !SyslogMessage.validSdId(sdId)) {
          throw new IllegalArgumentException("target " + name + ": sd_id must be 1 to 32 printable ASCII characters"
              + " without space, =, ] or \" (like audit@32473), not '" + sdId + "'");
        }
        SyslogMessage syslog = new SyslogMessage(SyslogMessage.facility(facility), AppIdentity.hostName(),
            o.path("tag").asText("support-packet"), ProcessHandle.current().pid(), sdId, format);
        return new NetworkTarget(name, levels, host(name, o), port(name, o, protocol.syslogPort), protocol,
            tls(name, o, protocol == NetworkTarget.Protocol.TLS, "protocol: tls"), connectTimeout(name, o),
            syslog::format, Framing.OCTET_COUNTING);
      }
      default: { // tcp
        boolean secure = o.path("tls").asBoolean(false);
        return new NetworkTarget(name, levels, host(name, o), port(name, o, 0),
            secure ? NetworkTarget.Protocol.TLS : NetworkTarget.Protocol.TCP, tls(name, o, secure, "tls: true"),
            connectTimeout(name, o), r -> format.format(r.fields()), fmt.equals("gelf") ? Framing.NUL : Framing.NEWLINE);
      }
    }
  }

  private static AuditFormat format(String name, String fmt, JsonNode fo) {
    switch (fmt) {
      case "json":
        return AuditFormat.json(text(fo, "timestamp_format"));
      case "plain":
        return AuditFormat.plain(text(fo, "delim"), text(fo, "timestamp_format"));
      case "gelf":
        return AuditFormat.gelf(AppIdentity.hostName());
      default:
        throw new IllegalArgumentException("target " + name + ": format must be json, plain or gelf, not '" + fmt + "'");
    }
  }

  private static FileTarget file(String name, JsonNode o, AuditFormat format, boolean chained,
      Set<AuditRecord.Level> levels, byte[] hmacKey, Function<AuditRecord, Path> besidePacket) {
    FileTarget.Settings s = new FileTarget.Settings();
    s.hmacKey = hmacKey;
    if (o.has("max_size")) {
      s.maxSize = size(name, o.get("max_size").asText());
    }
    if (o.has("max_age")) {
      s.maxAge = duration(name, "max_age", o.get("max_age").asText());
    }
    s.maxBackups = o.path("max_backups").asInt(0);
    s.compress = o.path("compress").asBoolean(true);
    s.sealEvery = o.path("seal_every").asInt(1);
    if (o.hasNonNull("signing_key_file")) {
      s.signingKeyFile = Paths.get(o.get("signing_key_file").asText());
    }
    Function<AuditRecord, Path> fileOf = besidePacket;
    s.fallback = PacketAudit::fallbackFile;
    if (o.hasNonNull("filename")) {
      s.fallback = null; // the operator's own file: refused means fix it, said on stderr until fixed
      Path fixed = Paths.get(o.get("filename").asText()).toAbsolutePath();
      fileOf = r -> fixed;
    }
    return new FileTarget(name, fileOf, format, chained, levels, s);
  }

  private static NetworkTarget.Protocol protocol(String name, String p) {
    try {
      return NetworkTarget.Protocol.valueOf(p.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("target " + name + ": protocol must be udp, tcp or tls, not '" + p + "'");
    }
  }

  private static String host(String name, JsonNode o) {
    String host = o.path("host").asText("");
    if (host.isBlank()) {
      throw new IllegalArgumentException("target " + name + ": options.host is required: the receiver's name or address");
    }
    return host;
  }

  /** @param fallback the port when none is given; 0 when one is required */
  private static int port(String name, JsonNode o, int fallback) {
    int port = o.has("port") ? o.get("port").asInt(-1) : fallback;
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("target " + name + ": options.port must be a port number (1 to 65535)"
          + (o.has("port") ? ", not '" + o.get("port").asText() + "'" : " and is required"));
    }
    return port;
  }

  /** @param enable what turns TLS on for this type, for the message when TLS options come without it */
  private static Tls tls(String name, JsonNode o, boolean secure, String enable) throws IOException {
    boolean insecure = o.path("insecure").asBoolean(false);
    String caCert = text(o, "ca_cert");
    if (!secure) {
      if (insecure || caCert != null) {
        throw new IllegalArgumentException("target " + name + ": ca_cert and insecure apply only to TLS: add " + enable);
      }
      return null;
    }
    if (insecure && caCert != null) {
      throw new IllegalArgumentException("target " + name + ": set either ca_cert or insecure: true, not both"
          + " (insecure trusts any certificate)");
    }
    return Tls.of(caCert == null ? null : Paths.get(caCert), insecure);
  }

  private static Duration connectTimeout(String name, JsonNode o) {
    return o.hasNonNull("connect_timeout") ? duration(name, "connect_timeout", o.get("connect_timeout").asText())
        : Duration.ofSeconds(5);
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

  /** {@code 7d}, {@code 12h}, {@code 30m}, {@code 10s}, {@code 500ms}, or a bare number of days. */
  static Duration duration(String name, String key, String v) {
    String s = v.trim().toLowerCase(Locale.ROOT);
    try {
      if (s.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2).trim()));
      }
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
        default:
          return Duration.ofDays(x);
      }
    } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
      throw new IllegalArgumentException("target " + name + ": " + key + " must be like 7d, 12h, 30m, 10s or 500ms, not '"
          + v + "'");
    }
  }

  private static byte[] readKey(Path file) throws IOException {
    byte[] raw = PrivateFiles.readSmall(file, "hmac_key_file", AuditKeys.MAX_KEY_FILE);
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
        throw new IllegalArgumentException(where + ": unknown key '" + k + "' (known: " + new TreeSet<>(allowed) + ")");
      }
    }
  }
}
