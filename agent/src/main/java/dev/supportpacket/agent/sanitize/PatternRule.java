package dev.supportpacket.agent.sanitize;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A named rule that finds secrets inside free text. The pattern's group named {@code s} is the secret; everything
 * else it matched (a key, a scheme, a user name) stays readable.
 */
final class PatternRule {
  final String name;
  final Pattern pattern;

  PatternRule(String name, String regex) {
    this.name = name;
    this.pattern = Pattern.compile(regex);
  }

  static List<PatternRule> defaults() {
    return List.of(
        // scheme://user:PASS@host
        new PatternRule("uri-userinfo", "\\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\\s:/@]+:(?<s>[^\\s@/]+)@"),
        // key=value / key: value in logs, connection strings and command lines
        new PatternRule(
            "assignment",
            "(?i)(?:[\\w.-]*(?:password|passwd|pwd|secret|token|api[_-]?key|credential)[\\w.-]*)"
                + "[\"']?\\s*[=:]\\s*[\"']?(?<s>[^\\s\"',;&)]+)"),
        new PatternRule("authorization-header", "(?i)\\b(?:bearer|basic)\\s+(?<s>[A-Za-z0-9._~+/=-]{8,})"),
        new PatternRule("jwt", "(?<s>\\beyJ[A-Za-z0-9_-]{5,}\\.eyJ[A-Za-z0-9_-]{5,}\\.[A-Za-z0-9_-]{5,})"));
  }

  /** The secrets this rule finds in one string. */
  List<String> secretsIn(String text) {
    List<String> found = new ArrayList<>();
    Matcher m = pattern.matcher(text);
    while (m.find()) {
      String s = m.group("s");
      if (s != null && !s.startsWith("[REDACTED")) {
        found.add(s);
      }
    }
    return found;
  }
}
