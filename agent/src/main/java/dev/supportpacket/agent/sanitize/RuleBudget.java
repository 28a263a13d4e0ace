package dev.supportpacket.agent.sanitize;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The work one user's rule may do on each text of one packet (a rules file is loaded per packet). A text of {@code n}
 * chars gets {@link WorkBudget#budgetFor}; once the rule has run past it on {@link #STRIKES} texts, it has shown
 * that it runs away on this packet's input and gets only the linear part, {@link WorkBudget#WORK_PER_CHAR} reads per
 * char. Without that, a catastrophic pattern spent the quadratic allowance on every line of every entry: a 1-s
 * packet of an idle JVM took 2.7-4.5 s of the target's CPU (1.0-1.5 s with the cut), and 80-100 s of wall time beside
 * the test suite's other JVMs on 2 cores. The texts it overran on are replaced whole either way, so a smaller budget
 * never lets a text through unscanned. Thread-safe: the collectors share the sanitizer.
 */
final class RuleBudget {
  /** Overruns after which the rule counts as runaway for the rest of the packet. */
  static final int STRIKES = 16;

  private final String rule;
  private final AtomicInteger overruns = new AtomicInteger();

  RuleBudget(String rule) {
    this.rule = rule;
  }

  /** {@code text} read through its budget. */
  WorkBudget on(String text) {
    int n = text.length();
    long budget = overruns.get() >= STRIKES ? (long) WorkBudget.WORK_PER_CHAR * n : WorkBudget.budgetFor(n);
    return new WorkBudget(text, this, budget);
  }

  /** Counts one overrun of the rule (its budget, or its recursion past the stack) and returns what to throw. */
  WorkBudget.Exceeded overran() {
    overruns.incrementAndGet();
    return new WorkBudget.Exceeded(rule);
  }
}
