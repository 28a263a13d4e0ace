package dev.supportpacket.agent.audit;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;

/**
 * RFC 5424 messages: {@code <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA MSG}, with PRI =
 * facility * 8 + the level's severity, MSGID = the record's event, and the record in the configured format as MSG.
 * STRUCTURED-DATA is {@code -}, or with an SD-ID configured one element holding the record's who-fields, so that a
 * syslog server can filter on them without parsing MSG.
 */
final class SyslogMessage {
  /** Facility names by code (RFC 5424 table 1; 13 to 15 are "log audit", "log alert" and "clock daemon"). */
  static final String[] FACILITIES = {"kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp",
      "cron", "authpriv", "ftp", "ntp", "audit", "alert", "clock", "local0", "local1", "local2", "local3",
      "local4", "local5", "local6", "local7"};
  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final String[] SD_PARAMS = {"id", "event", "status", "user", "client", "clientHost", "ip"};

  private final int facility;
  private final String hostname;
  private final String appName;
  private final String procId;
  private final String sdId;
  private final AuditFormat body;

  /** @param sdId the structured data element's id (like {@code audit@32473}); null for none ({@code -}) */
  SyslogMessage(int facility, String hostname, String tag, long pid, String sdId, AuditFormat body) {
    this.facility = facility;
    this.hostname = header(hostname, 255);
    this.appName = header(tag, 48);
    this.procId = Long.toString(pid);
    this.sdId = sdId;
    this.body = body;
  }

  /** The facility's code for its name, or -1. */
  static int facility(String name) {
    return java.util.Arrays.asList(FACILITIES).indexOf(name.toLowerCase(Locale.ROOT));
  }

  /** Whether {@code id} is a valid SD-ID (RFC 5424 SD-NAME: 1 to 32 printable ASCII, none of {@code = ] "} or space). */
  static boolean validSdId(String id) {
    return id.matches("[\\x21-\\x7e&&[^=\\]\"]]{1,32}");
  }

  String format(AuditRecord r) {
    Map<String, Object> fields = r.fields();
    StringBuilder sb = new StringBuilder(256);
    sb.append('<').append(facility * 8 + r.level().severity).append(">1 ")
        .append(TIMESTAMP.format(Instant.ofEpochMilli(r.createAt()))).append(' ')
        .append(hostname).append(' ').append(appName).append(' ').append(procId).append(' ')
        .append(header(r.event(), 32)).append(' ');
    if (sdId == null) {
      sb.append('-');
    } else {
      sb.append('[').append(sdId);
      for (String p : SD_PARAMS) {
        if (fields.get(p) != null) {
          sb.append(' ').append(p).append("=\"").append(escapeParam(String.valueOf(fields.get(p)))).append('"');
        }
      }
      sb.append(']');
    }
    return sb.append(' ').append(body.format(fields)).toString();
  }

  /** PARAM-VALUE escaping (RFC 5424 section 6.3.3): {@code "}, {@code \} and {@code ]} get a backslash. */
  static String escapeParam(String value) {
    return value.replaceAll("([\"\\\\\\]])", "\\\\$1");
  }

  /** A header field: printable ASCII without spaces, at most {@code max} long, {@code -} (NILVALUE) when empty. */
  static String header(String value, int max) {
    String v = value == null ? "" : value.replaceAll("[^\\x21-\\x7e]", "_");
    v = v.length() > max ? v.substring(0, max) : v;
    return v.isEmpty() ? "-" : v;
  }
}
