package dev.supportpacket.agent.findings.rules;

import dev.supportpacket.agent.findings.model.Events;
import dev.supportpacket.agent.findings.model.LogSummary;
import dev.supportpacket.agent.findings.model.PacketModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Errors logged at a rate no healthy service has, or exceptions thrown by the thousand per second (JMC's
 * Exceptions rule: INFO 5,000/s, WARNING 10,000/s; a planted storm of 4,800/s was real, so we start lower).
 */
public final class ErrorStormRule implements Rule {
  /** ERROR lines in one minute. */
  static final long STORM_PER_MINUTE = 60;
  static final long NOTABLE_PER_MINUTE = 10;
  static final double THROWS_WARNING = 5000;
  static final double THROWS_INFO = 1000;

  @Override
  public String id() {
    return "error-storm";
  }

  @Override
  public List<Finding> apply(PacketModel m) {
    List<Finding> out = new ArrayList<>();
    m.logs.ifPresent(l -> fromLogs(m, l, out));
    if (m.events.isPresent() && m.events.get().throwables >= 0 && m.windowMs() > 0) {
      double rate = m.events.get().throwables * 1000.0 / m.windowMs();
      if (rate >= THROWS_INFO) {
        String type = m.logs.isPresent() && !m.logs.get().exceptions.isEmpty() ? m.logs.get().exceptions.get(0).key : "";
        out.add(Finding.scored(id(), rate >= THROWS_WARNING ? 70 : 40, "Exception storm: "
            + Fmt.n((long) rate) + " throwables/s" + (type.isEmpty() ? "" : ", the logs mostly " + type),
            Fmt.n(m.events.get().throwables) + " exceptions and errors were created in " + Fmt.secs(m.windowMs())
                + "; building stack traces at this rate costs CPU and usually hides a failing call.",
            List.of(new Evidence(Events.ENTRY, m.lineOf(Events.ENTRY, "throwables"), "exceptions.throwables")),
            Set.of()));
      }
    }
    return out;
  }

  private void fromLogs(PacketModel m, LogSummary l, List<Finding> out) {
    LogSummary.Count worst = null;
    for (LogSummary.Count c : l.perMinute) {
      if (worst == null || c.error > worst.error) {
        worst = c;
      }
    }
    if (worst == null || worst.error < NOTABLE_PER_MINUTE) {
      return;
    }
    LogSummary.Count logger = l.byLogger.stream().max((a, b) -> Long.compare(a.error, b.error)).orElse(null);
    LogSummary.Count type = l.exceptions.isEmpty() ? null : l.exceptions.get(0);
    String culprit = logger != null && logger.error > 0 ? logger.key : type != null ? type.key : "the application";
    List<Evidence> ev = new ArrayList<>();
    ev.add(new Evidence(LogSummary.ENTRY, m.lineOf(LogSummary.ENTRY, worst.key), worst.error + " ERROR in " + worst.key));
    if (!l.lastError.entry.isEmpty()) {
      ev.add(new Evidence(l.lastError.entry, (int) l.lastError.line, l.lastError.text));
    }
    out.add(Finding.scored(id(), worst.error >= STORM_PER_MINUTE ? 72 : 40, "Error storm from " + culprit
        + (type == null ? "" : ": " + type.key), Fmt.n(worst.error) + " ERROR lines in the minute " + worst.key
            + ", " + Fmt.n(l.totalErrors()) + " in the logs' tails" + (logger == null ? ""
                : "; most from " + logger.key + " (" + Fmt.n(logger.error) + ")") + (type == null ? ""
                : "; top exception " + type.key + " (" + Fmt.n(type.error) + " times)")
            + (l.lastError.text.isEmpty() ? "" : ". Last: " + l.lastError.text) + ".", ev, Set.of()));
  }
}
