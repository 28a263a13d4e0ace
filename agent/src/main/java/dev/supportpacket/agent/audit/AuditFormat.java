package dev.supportpacket.agent.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/** How a record becomes one line of text (without the line end): {@code json} or {@code plain}. */
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
