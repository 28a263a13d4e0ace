package dev.supportpacket.agent.sanitize;

import java.io.Writer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Scrubs the content of one packet entry and counts what it replaced, by rule name, for the report. Never holds a
 * secret value itself. Used by one thread at a time.
 */
public final class EntryScrubber {
  private final Sanitizer sanitizer;
  private final String entryName;
  private final Map<String, Integer> counts = new TreeMap<>();

  EntryScrubber(Sanitizer sanitizer, String entryName) {
    this.sanitizer = sanitizer;
    this.entryName = entryName;
  }

  public String entryName() {
    return entryName;
  }

  /** Scrubs free text (a line, a thread name, a message): patterns first, then every learned secret. */
  public String text(String s) {
    if (s == null || s.isEmpty()) {
      return s;
    }
    String out = s;
    for (PatternRule rule : sanitizer.patterns()) {
      out = replaceGroup(rule.name, rule.pattern, out);
    }
    Pattern learned = sanitizer.learnedPattern();
    if (learned != null) {
      Matcher m = learned.matcher(out);
      if (m.find()) {
        StringBuilder sb = new StringBuilder();
        int last = 0;
        do {
          sb.append(out, last, m.start()).append(sanitizer.token(m.group()));
          count("learned");
          last = m.end();
        } while (m.find());
        out = sb.append(out, last, out.length()).toString();
      }
    }
    return out;
  }

  /** A value stored under a key: replaced whole when the key is secret, otherwise scrubbed as text. */
  public String value(String key, String value) {
    if (value == null || value.isEmpty()) {
      return value;
    }
    if (sanitizer.isSecretKey(key)) {
      count("secret-key");
      return sanitizer.token(value);
    }
    return text(value);
  }

  /**
   * Redacts a tree of maps, lists and scalars (what becomes YAML): values under secret-looking keys are replaced
   * whole, every other string is scrubbed as text, keys included.
   */
  public Object tree(Object node) {
    return tree(null, node);
  }

  private Object tree(String key, Object node) {
    if (node instanceof Map) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : ((Map<?, ?>) node).entrySet()) {
        String k = String.valueOf(e.getKey());
        out.put(text(k), tree(k, e.getValue()));
      }
      return out;
    }
    if (node instanceof List) {
      List<Object> out = new ArrayList<>();
      for (Object o : (List<?>) node) {
        out.add(tree(key, o));
      }
      return out;
    }
    if (node instanceof CharSequence) {
      return key == null ? text(node.toString()) : value(key, node.toString());
    }
    return node;
  }

  /** A streaming filter: whole lines pass {@link #text} before they reach {@code out}. */
  public Writer filter(Writer out) {
    return new LineFilterWriter(this, out);
  }

  /** Redactions so far by rule name. */
  public Map<String, Integer> redactions() {
    return Map.copyOf(counts);
  }

  void count(String rule) {
    counts.merge(rule, 1, Integer::sum);
  }

  private String replaceGroup(String rule, Pattern p, String s) {
    Matcher m = p.matcher(s);
    if (!m.find()) {
      return s;
    }
    StringBuilder sb = new StringBuilder();
    int last = 0;
    do {
      String secret = m.group("s");
      if (secret == null || secret.startsWith("[REDACTED")) {
        continue;
      }
      sb.append(s, last, m.start("s")).append(sanitizer.token(secret));
      last = m.end("s");
      count(rule);
    } while (m.find());
    return sb.append(s, last, s.length()).toString();
  }
}
