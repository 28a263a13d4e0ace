package dev.supportpacket.agent.sanitize;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.params.provider.Arguments;

/**
 * CPU time of each built-in rule on its adversarial 1 MB line ({@link RuleLinearityTest}), and on a quarter and a
 * half of it, so that the growth shows (linear: x2 per doubling; quadratic: x4), and how many chars its regex reads
 * per char of the line. What bench/rule-worst-case.sh runs; not a test.
 */
public final class RuleWorstCase {
  private RuleWorstCase() {}

  public static void main(String[] args) {
    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    List<Arguments> lines = RuleLinearityTest.adversarialLines().collect(Collectors.toList());
    System.out.printf("%-22s %10s %10s %10s %11s   %s%n", "rule", "256 KB ms", "512 KB ms", "1 MB ms", "reads/char",
        "line starts with");
    for (Arguments a : lines) {
      String rule = (String) a.get()[0];
      String line = (String) a.get()[1];
      TextRules one = new TextRules(List.of(RuleLinearityTest.rule(rule)));
      double[] ms = new double[3];
      for (int round = 0; round < 3; round++) {
        for (int i = 0; i < 3; i++) {
          String part = line.substring(line.length() - (line.length() >> (2 - i)));
          long t0 = cpu.getCurrentThreadCpuTime();
          one.replace(part, (name, secret) -> "[REDACTED:0]");
          double t = (cpu.getCurrentThreadCpuTime() - t0) / 1e6;
          ms[i] = round == 0 ? t : Math.min(ms[i], t);
        }
      }
      String head = line.substring(0, Math.min(24, line.length())).replace("\t", "\\t");
      long reads = RuleLinearityTest.charsRead(RuleLinearityTest.rule(rule), line);
      String perChar = reads == Long.MAX_VALUE ? "> " + RuleLinearityTest.MAX_READS_PER_CHAR
          : String.format("%.1f", (double) reads / line.length());
      System.out.printf("%-22s %10.1f %10.1f %10.1f %11s   %s%n", rule, ms[0], ms[1], ms[2], perChar, head);
    }
  }
}
