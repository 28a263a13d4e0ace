package dev.supportpacket.agent.findings.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** ERROR and WARN counts of the application's logs, from {@code logs/summary.json}. */
public final class LogSummary {
  public static final String ENTRY = "logs/summary.json";

  public final List<Count> perMinute;
  public final List<Count> byLogger;
  public final List<Count> exceptions;
  /** Empty text when the logs hold no error. */
  public final LastError lastError;

  LogSummary(JsonNode n) {
    perMinute = counts(n.path("per_minute"), "minute");
    byLogger = counts(n.path("by_logger"), "logger");
    List<Count> ex = new ArrayList<>();
    for (JsonNode e : n.path("exceptions")) {
      ex.add(new Count(e.path("type").asText(""), e.path("count").asLong(0), 0, e.path("example").asText("")));
    }
    exceptions = List.copyOf(ex);
    JsonNode l = n.path("last_error");
    List<String> stack = new ArrayList<>();
    for (JsonNode f : l.path("stack")) {
      stack.add(f.asText());
    }
    lastError = new LastError(l.path("entry").asText(""), l.path("line").asLong(0), l.path("text").asText(""), stack);
  }

  private static List<Count> counts(JsonNode arr, String key) {
    List<Count> out = new ArrayList<>();
    for (JsonNode c : arr) {
      out.add(new Count(c.path(key).asText(""), c.path("error").asLong(0), c.path("warn").asLong(0), ""));
    }
    return List.copyOf(out);
  }

  public long totalErrors() {
    long sum = 0;
    for (Count c : perMinute) {
      sum += c.error;
    }
    return sum;
  }

  /** ERROR count (or occurrences) and WARN count under one key: a minute, a logger, an exception type. */
  public static final class Count {
    public final String key;
    public final long error;
    public final long warn;
    public final String example;

    Count(String key, long error, long warn, String example) {
      this.key = key;
      this.error = error;
      this.warn = warn;
      this.example = example;
    }
  }

  /** The last ERROR line of the logs with its stack trace. */
  public static final class LastError {
    public final String entry;
    public final long line;
    public final String text;
    public final List<String> stack;

    LastError(String entry, long line, String text, List<String> stack) {
      this.entry = entry;
      this.line = line;
      this.text = text;
      this.stack = List.copyOf(stack);
    }
  }
}
