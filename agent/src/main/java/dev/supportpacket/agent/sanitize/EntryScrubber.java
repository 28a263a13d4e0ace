package dev.supportpacket.agent.sanitize;

import java.io.Writer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Scrubs the content of one packet entry and counts what it replaced, by rule name, for the report. Never holds a
 * secret value itself. Used by one thread at a time.
 */
public final class EntryScrubber {
  /** Count name of a value replaced whole because its key is secret. */
  public static final String BY_KEY = "by-key";
  /** Count name of a learned secret found literally. */
  public static final String LEARNED = "learned";
  /**
   * Count name prefix of a text replaced whole because a user's rule ran past its work budget on it; the rule's
   * name follows.
   */
  public static final String OVER_BUDGET = "over-budget:";

  private final Sanitizer sanitizer;
  private final String entryName;
  private final Map<String, Integer> counts = new TreeMap<>();
  private final TextRules.Replacer replacer;

  EntryScrubber(Sanitizer sanitizer, String entryName) {
    this.sanitizer = sanitizer;
    this.entryName = entryName;
    this.replacer =
        (rule, secret) -> {
          count(rule);
          return sanitizer.token(secret);
        };
  }

  public String entryName() {
    return entryName;
  }

  /** Whether this scrubs with {@code other}: the same key and secrets, so the same token for every string. */
  public boolean scrubsWith(Sanitizer other) {
    return sanitizer == other;
  }

  /**
   * Scrubs free text (a line, a thread name, a message): patterns first, then every learned secret. A text on which a
   * user's rule ran past its work budget is replaced whole (it was not fully scanned), keeping only its line break,
   * and counted under {@link #OVER_BUDGET} and the rule's name.
   */
  public String text(String s) {
    if (s == null || s.isEmpty()) {
      return s;
    }
    String out;
    try {
      out = sanitizer.rules().replace(s, replacer);
    } catch (WorkBudget.Exceeded e) {
      count(OVER_BUDGET + e.rule);
      return "[REDACTED:whole line, rule " + e.rule + " ran past its work budget]" + (s.endsWith("\n") ? "\n" : "");
    }
    Grams learned = sanitizer.learnedLiterals();
    if (!learned.isEmpty()) {
      int[] regions = learned.regionsIn(out);
      if (regions.length > 0) {
        StringBuilder sb = new StringBuilder(out.length());
        int last = 0;
        for (int i = 0; i < regions.length; i += 2) {
          sb.append(out, last, regions[i]).append(sanitizer.token(out.substring(regions[i], regions[i + 1])));
          count(LEARNED);
          last = regions[i + 1];
        }
        out = sb.append(out, last, out.length()).toString();
      }
    }
    return out;
  }

  /** The end of the whole lines at the start of the chars that hold nothing to replace (see {@link Sanitizer}). */
  int endOfCleanLines(char[] b, int from, int to) {
    return sanitizer.endOfCleanLines(b, from, to);
  }

  /**
   * A value stored under a key: replaced whole when the key is secret (and then learned, so that it is scrubbed
   * from every entry written afterwards), otherwise scrubbed as text.
   */
  public String value(String key, String value) {
    if (value == null || value.isEmpty()) {
      return value;
    }
    if (sanitizer.isSecretKey(key) && !PatternRule.isPlaceholder(value)) {
      count(BY_KEY);
      sanitizer.learnLiteral(value);
      return sanitizer.token(value);
    }
    return text(value);
  }

  /**
   * Redacts a tree of maps, lists and scalars (what becomes YAML): values under secret-looking keys are replaced
   * whole, every other string is scrubbed as text, keys included.
   */
  public Object tree(Object node) {
    List<String> found = new ArrayList<>();
    Object out = tree(null, node, found);
    // Learned after the walk: learning rebuilds the literal matcher, once per tree rather than once per value.
    found.forEach(sanitizer::learnLiteral);
    return out;
  }

  private Object tree(String key, Object node, List<String> found) {
    if (node instanceof Map) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : ((Map<?, ?>) node).entrySet()) {
        String k = String.valueOf(e.getKey());
        out.put(text(k), tree(k, e.getValue(), found));
      }
      return out;
    }
    if (node instanceof List) {
      List<Object> out = new ArrayList<>();
      for (Object o : (List<?>) node) {
        out.add(tree(key, o, found));
      }
      return out;
    }
    if (node instanceof CharSequence) {
      String v = node.toString();
      if (key != null && !v.isEmpty() && sanitizer.isSecretKey(key) && !PatternRule.isPlaceholder(v)) {
        count(BY_KEY);
        found.add(v);
        return sanitizer.token(v);
      }
      return text(v);
    }
    if (key != null && node instanceof Number && sanitizer.isSecretKey(key)) {
      // YAML reads "password: 123456" as a number: still a secret.
      count(BY_KEY);
      found.add(node.toString());
      return sanitizer.token(node.toString());
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

  /** Adds another scrubber's counts to this one's: a second pass over the same entry. */
  public void addCounts(Map<String, Integer> more) {
    more.forEach((k, v) -> counts.merge(k, v, Integer::sum));
  }

  void count(String rule) {
    counts.merge(rule, 1, Integer::sum);
  }
}
