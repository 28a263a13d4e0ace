package dev.supportpacket.agent.sanitize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every built-in rule runs in linear time on a line an attacker wrote: for each rule, a 1 MB line built to make its
 * regex backtrack or rescan (the near misses of its own prefix, repeated). The bound asserted is only a safety net
 * against a quadratic rule (which takes minutes to hours on such a line): what is checked is how many chars the regex
 * reads, counted through a {@link WorkBudget}. The real figures are printed by bench/rule-worst-case.sh.
 */
class RuleLinearityTest {
  static final int LINE = 1 << 20;
  /** A linear rule reads each char a bounded number of times; a quadratic one reads ~the line's length per char. */
  static final long MAX_READS_PER_CHAR = WorkBudget.WORK_PER_CHAR / 2;

  /** One adversarial line per rule: units repeated up to 1 MB, then a tail. */
  static Stream<Arguments> adversarialLines() {
    return Stream.of(
        line("uri-userinfo", "a.", "://"),
        line("uri-userinfo", "x://u:" + "p:".repeat(8), ""),
        line("oracle-connect", ":thin:a/", ""),
        line("authorization-header", "authorization=[bearer ", ""),
        line("bearer-scheme", "-bearer a", ""),
        line("basic-scheme", "basic " + "a".repeat(64), "==="),
        line("cookie-header", "cookie:a;b", ""),
        line("assignment", "password=\"" + "\\\"".repeat(8), ""),
        line("assignment", "a.password: ", ""),
        line("crypt-hash", ".$6$" + "a".repeat(199) + "$", ""),
        line("crypt-hash", "$1$a", ""),
        line("jwt", "-eyJa", ""),
        line("pem-block", "-----BEGIN RSA PRIVATE KEY-----a", ""),
        line("aws-access-key-id", "AKIA", ""),
        line("aws-secret-access", "aws secret=", ""),
        line("google-api", "-AIza", ""),
        line("google-oauth-client", "-GOCSPX-", ""),
        line("azure-sas", "?sig=", ""),
        line("github", "-ghp_", ""),
        line("gitlab", "-glpat-", ""),
        line("slack", "-xoxb-", ""),
        line("slack-webhook", "hooks.slack.com/services/", ""),
        line("stripe", "-sk_live_", ""),
        line("sendgrid", "-SG.", ""),
        line("npm", "-npm_", ""),
        line("pypi", "-pypi-AgEIcHlwaS5vcmc", ""),
        line("heroku", "-HRKU-", ""),
        line("openai", "-sk-" + "a".repeat(24), " T3BlbkFJ"),
        line("anthropic", "-sk-ant-a", ""),
        line("datadog", "dd_api_key=", ""),
        line("high-entropy", "key=", ""));
  }

  private static Arguments line(String rule, String unit, String tail) {
    StringBuilder sb = new StringBuilder(LINE + unit.length() + tail.length());
    while (sb.length() < LINE - tail.length()) {
      sb.append(unit);
    }
    sb.setLength(LINE - tail.length());
    return Arguments.of(rule, sb.append(tail).toString());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("adversarialLines")
  void ruleIsLinearOnAnAdversarialMegabyteLine(String rule, String line) {
    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    long t0 = cpu.getCurrentThreadCpuTime();
    long work = charsRead(rule(rule), line);
    double seconds = (cpu.getCurrentThreadCpuTime() - t0) / 1e9;
    assertTrue(work <= MAX_READS_PER_CHAR * line.length(),
        () -> rule + " read " + work / line.length() + " chars per char of the line");
    assertTrue(seconds < 2, () -> rule + " took " + seconds + " s of CPU on a 1 MB line");
  }

  /**
   * How many chars the rule's regex reads to find every match in {@code line}, as the sanitizer looks for them (each
   * search resumes after the last match). Deterministic, unlike a time: a quadratic rule stops at the budget at once
   * instead of running for hours.
   */
  static long charsRead(PatternRule rule, String line) {
    long budget = MAX_READS_PER_CHAR * line.length() + 1;
    WorkBudget text = new WorkBudget(line, new RuleBudget(rule.name), budget);
    Matcher m = rule.pattern.matcher(text);
    try {
      while (m.find()) {
        rule.secret(m);
      }
    } catch (WorkBudget.Exceeded e) {
      return Long.MAX_VALUE;
    }
    return budget - text.left();
  }

  @Test
  void everyBuiltInRuleHasAnAdversarialLine() {
    Set<String> covered = adversarialLines().map(a -> (String) a.get()[0]).collect(Collectors.toCollection(TreeSet::new));
    Set<String> all = PatternRule.defaults(SecretKeys.defaults()).stream().map(r -> r.name)
        .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(all, covered);
  }

  static PatternRule rule(String name) {
    return PatternRule.defaults(SecretKeys.defaults()).stream().filter(r -> r.name.equals(name)).findFirst()
        .orElseThrow();
  }
}
