package dev.supportpacket.agent.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** How a record becomes one message (without line end or framing): {@code json}, {@code plain} or {@code gelf}. */
public abstract class AuditFormat {
  static final ObjectMapper JSON = new ObjectMapper();

  /** One line for {@code fields} (a record's {@link AuditRecord#fields()}, possibly with chain fields in front). */
  public abstract String format(Map<String, Object> fields);

  /** One compact JSON object per line: what {@code audit verify} reads. */
  public static AuditFormat json(String timestampFormat) {
    DateTimeFormatter time = timestampFormat == null ? null : formatter(timestampFormat);
    return new AuditFormat() {
      @Override
      public String format(Map<String, Object> fields) {
        Map<String, Object> m = fields;
        if (time != null && fields.get("createAt") instanceof Long) {
          m = new java.util.LinkedHashMap<>(fields);
          m.put("time", time.format(Instant.ofEpochMilli((Long) fields.get("createAt"))));
        }
        return toJson(m);
      }
    };
  }

  /**
   * Fields separated by {@code delimiter}: time, level, event, status, then {@code key=value} for the rest (meta as
   * JSON). For people and line-oriented collectors; {@code audit verify} reads only json.
   */
  public static AuditFormat plain(String delimiter, String timestampFormat) {
    String delim = delimiter == null ? " | " : delimiter;
    DateTimeFormatter time = formatter(timestampFormat == null ? "yyyy-MM-dd HH:mm:ss.SSS XXX" : timestampFormat);
    return new AuditFormat() {
      @Override
      public String format(Map<String, Object> fields) {
        StringBuilder sb = new StringBuilder();
        Object at = fields.get("createAt");
        sb.append(at instanceof Long ? time.format(Instant.ofEpochMilli((Long) at)) : String.valueOf(at));
        sb.append(delim).append(fields.get("level")).append(delim).append(fields.get("event"))
            .append(delim).append(fields.get("status"));
        for (Map.Entry<String, Object> e : fields.entrySet()) {
          switch (e.getKey()) {
            case "createAt":
            case "level":
            case "event":
            case "status":
              break;
            default:
              Object v = e.getValue();
              sb.append(delim).append(e.getKey()).append('=').append(v instanceof Map ? toJson(v) : String.valueOf(v));
          }
        }
        return sb.toString().replace('\n', ' ');
      }
    };
  }

  /**
   * GELF 1.1: {@code version}, {@code host}, {@code short_message}, {@code timestamp} (seconds with milliseconds),
   * {@code level} (syslog severity), then every other field, and each meta field, as an {@code _}-prefixed additional
   * field with a string or number value ({@code id} becomes {@code _record_id}: Graylog reserves {@code _id}).
   */
  public static AuditFormat gelf(String host) {
    return new AuditFormat() {
      @Override
      public String format(Map<String, Object> fields) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", "1.1");
        m.put("host", host);
        m.put("short_message", fields.get("event") + " " + fields.get("status") + " by " + fields.get("user")
            + " via " + fields.get("client"));
        Object at = fields.get("createAt");
        if (at instanceof Long) {
          m.put("timestamp", BigDecimal.valueOf((Long) at, 3));
        }
        m.put("level", AuditRecord.Level.valueOf(String.valueOf(fields.get("level")).toUpperCase(Locale.ROOT)).severity);
        for (Map.Entry<String, Object> e : fields.entrySet()) {
          if (e.getValue() instanceof Map) {
            ((Map<?, ?>) e.getValue()).forEach((k, v) -> additional(m, String.valueOf(k), v));
          } else if (!e.getKey().equals("createAt") && !e.getKey().equals("level")) {
            additional(m, e.getKey().equals("id") ? "record_id" : e.getKey(), e.getValue());
          }
        }
        return toJson(m);
      }
    };
  }

  private static void additional(Map<String, Object> gelf, String key, Object value) {
    if (value == null) {
      return;
    }
    String name = "_" + key.replaceAll("[^\\w.-]", "_");
    gelf.putIfAbsent(name, value instanceof Number || value instanceof String ? value
        : value instanceof Boolean ? value.toString() : toJson(value));
  }

  static String toJson(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write an audit record as JSON: " + e.getMessage(), e);
    }
  }

  private static DateTimeFormatter formatter(String pattern) {
    try {
      return DateTimeFormatter.ofPattern(pattern).withZone(ZoneOffset.UTC);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("timestamp_format '" + pattern + "' is not a java.time pattern: " + e.getMessage());
    }
  }
}
