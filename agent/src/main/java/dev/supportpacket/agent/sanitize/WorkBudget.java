package dev.supportpacket.agent.sanitize;

/**
 * The text a user's regex (from {@code --rules}) runs on, with a cap on the work it may do: every char the regex
 * engine reads costs one unit, and past {@link #budgetFor} its length reading throws {@link Exceeded}.
 * {@code java.util.regex} reads its input only through {@link #charAt} and cannot be interrupted otherwise: a
 * catastrophic pattern such as {@code (.*a){12}$} on a 61-char line ran for minutes inside the target before this
 * cap. {@link RuleBudget} decides the budget. The built-in rules do not need it: each is linear, which
 * RuleLinearityTest checks by the same count.
 *
 * <p>Not thread-safe: one per match.
 */
final class WorkBudget implements CharSequence {
  /**
   * Reads per char of the text: enough for a sane pattern (a bounded repeat such as {@code [A-Za-z0-9]{32}} reads
   * about 32 per char, the built-in rules at most about 10 on their worst lines, see bench/rule-worst-case.sh).
   */
  static final int WORK_PER_CHAR = 64;
  /**
   * Plus this many reads per char squared, up to {@link #MAX_QUADRATIC}: a merely quadratic pattern ({@code .*a.*b})
   * finishes on a short line, an exponential one runs out within a millisecond. Small on purpose: a runaway pattern
   * spends the whole budget on every line it meets (a 2000-line heap histogram, a thread dump), in the target's CPU.
   */
  static final int QUADRATIC = 16;
  static final long MAX_QUADRATIC = 1 << 22;

  /** The budget for a text of {@code n} chars. */
  static long budgetFor(int n) {
    return (long) WORK_PER_CHAR * n + Math.min(QUADRATIC * (long) n * n, MAX_QUADRATIC);
  }

  /** A regex ran past its budget on one text; which rule, so that the report can name it. */
  static final class Exceeded extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final String rule;

    Exceeded(String rule) {
      super("rule " + rule + " ran past its work budget", null, false, false);
      this.rule = rule;
    }
  }

  private final String text;
  private final RuleBudget rule;
  private long left;

  /** {@code text} with {@code budget} reads left; an overrun is counted by {@code rule}. */
  WorkBudget(String text, RuleBudget rule, long budget) {
    this.text = text;
    this.rule = rule;
    this.left = budget;
  }

  /** Units of work still left: what the linearity test reads. */
  long left() {
    return left;
  }

  @Override
  public char charAt(int index) {
    if (--left < 0) {
      throw rule.overran();
    }
    return text.charAt(index);
  }

  @Override
  public int length() {
    return text.length();
  }

  @Override
  public CharSequence subSequence(int start, int end) {
    return text.subSequence(start, end);
  }

  @Override
  public String toString() {
    return text;
  }
}
