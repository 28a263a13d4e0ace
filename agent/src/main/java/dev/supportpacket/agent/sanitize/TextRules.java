package dev.supportpacket.agent.sanitize;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;

/**
 * The pattern rules of one sanitizer with their keyword pre-check: one pass of a {@link Grams} filter over a
 * line tells which rules can match at all, and only those run their regex. Most log lines hold none of the trigger
 * words and cost one table walk. Immutable and thread-safe.
 */
final class TextRules {
  /** A secret some rule found: where it is in the text and which rule found it. */
  interface Visitor {
    void found(PatternRule rule, int start, int end, String secret);
  }

  private final List<PatternRule> rules;
  private final Grams triggers;
  /** Rules that run on every line: those without triggers, and bit 63 for every rule past the 63rd. */
  private final long alwaysRun;
  private final List<String> triggerWords;

  TextRules(List<PatternRule> rules) {
    this.rules = List.copyOf(rules);
    List<String> words = new ArrayList<>();
    List<Long> tags = new ArrayList<>();
    long always = 0;
    for (int i = 0; i < this.rules.size(); i++) {
      long bit = 1L << Math.min(i, 63);
      PatternRule r = this.rules.get(i);
      if (r.triggers.isEmpty() || i >= 63) {
        always |= bit;
      }
      for (String t : r.triggers) {
        words.add(t);
        tags.add(bit);
      }
    }
    long[] tagArray = new long[tags.size()];
    for (int i = 0; i < tagArray.length; i++) {
      tagArray[i] = tags.get(i);
    }
    this.triggers = Grams.of(words, tagArray, true);
    this.triggerWords = List.copyOf(words);
    this.alwaysRun = always;
  }

  List<PatternRule> rules() {
    return rules;
  }

  /** Every trigger word, lower case: a line holding none of them (and no learned secret) needs no rule. */
  List<String> triggerWords() {
    return triggerWords;
  }

  /** True when some rule must run on every line, whatever its words. */
  boolean runsOnEveryLine() {
    return alwaysRun != 0;
  }

  /** Every secret in {@code s}, in rule order; matches of one rule do not overlap. */
  void scan(String s, Visitor v) {
    long candidates = triggers.tagsIn(s) | alwaysRun;
    if (candidates == 0) {
      return;
    }
    for (int i = 0; i < rules.size(); i++) {
      if ((candidates & (1L << Math.min(i, 63))) == 0) {
        continue;
      }
      PatternRule rule = rules.get(i);
      if (!rule.mayFindIn(s)) {
        continue;
      }
      Matcher m = rule.matcher(s);
      try {
        while (find(rule, m)) {
          String secret = rule.secret(m);
          if (secret != null) {
            v.found(rule, rule.start(m), rule.end(m), secret);
          }
        }
      } catch (WorkBudget.Exceeded | StackOverflowError overrun) {
        // Nothing more is learned from this text by this rule; wherever the text is written, replace() meets the
        // same overrun and replaces it whole.
      }
    }
  }

  /**
   * {@code s} with every secret replaced, rule after rule (a later rule sees the earlier replacements, so a value
   * is never replaced twice).
   *
   * @throws WorkBudget.Exceeded when a user's rule ran past its work budget (or its recursion past the stack): the
   *     text was not fully scanned and must not be written as it is
   */
  String replace(String s, Replacer r) {
    long candidates = triggers.tagsIn(s) | alwaysRun;
    if (candidates == 0) {
      return s;
    }
    String out = s;
    for (int i = 0; i < rules.size(); i++) {
      if ((candidates & (1L << Math.min(i, 63))) == 0) {
        continue;
      }
      PatternRule rule = rules.get(i);
      if (!rule.mayFindIn(out)) {
        continue;
      }
      Matcher m = rule.matcher(out);
      StringBuilder sb = null;
      int last = 0;
      while (find(rule, m)) {
        String secret = rule.secret(m);
        if (secret == null) {
          continue;
        }
        if (sb == null) {
          sb = new StringBuilder(out.length());
        }
        int start = rule.start(m);
        if (start < last) {
          continue;
        }
        sb.append(out, last, start).append(r.replacement(rule.name, secret));
        last = rule.end(m);
      }
      if (sb != null) {
        out = sb.append(out, last, out.length()).toString();
      }
    }
    return out;
  }

  /** {@link Matcher#find}, with a deep recursion of a user's regex reported as its overrun, not as an error. */
  private static boolean find(PatternRule rule, Matcher m) {
    try {
      return m.find();
    } catch (StackOverflowError e) {
      throw rule.overranStack(e);
    }
  }

  /** What stands in for a secret; also counts it. */
  interface Replacer {
    String replacement(String rule, String secret);
  }
}
