package dev.supportpacket.agent.findings.rules;

import dev.supportpacket.agent.findings.model.Events;
import dev.supportpacket.agent.findings.model.PacketModel;
import dev.supportpacket.agent.findings.model.Reading;
import java.util.List;
import java.util.Set;

/**
 * The application stood still for GC during a large share of the window (JMC GcPauseRatio: INFO 5 %, WARNING
 * 10 %; GCeasy aims above 95 % throughput). Measured between the two readings, or from JFR's pauses.
 */
public final class GcOverheadRule implements Rule {
  static final double WARNING = 0.10;
  static final double INFO = 0.05;
  /** Collections in the window, unless one is old, for a warning. */
  static final long MIN_COLLECTIONS = 3;
  /** Shorter windows make a single young pause look like a storm. */
  static final long MIN_WINDOW_MS = 1000;

  @Override
  public String id() {
    return "gc-overhead";
  }

  @Override
  public List<Finding> apply(PacketModel m) {
    long window = m.windowMs();
    if (window < MIN_WINDOW_MS) {
      return List.of();
    }
    long pauseMs = -1;
    long count = 0;
    long oldCount = 0;
    String entry = "";
    if (m.hasDelta()) {
      pauseMs = 0;
      entry = m.end.get().entry;
      for (Reading.Gc end : m.end.get().gcs()) {
        for (Reading.Gc start : m.start.get().gcs()) {
          if (start.name.equals(end.name) && end.pauses() && end.timeMs >= start.timeMs && start.timeMs >= 0) {
            pauseMs += end.timeMs - start.timeMs;
            count += end.count - start.count;
            oldCount += end.isOld() ? end.count - start.count : 0;
          }
        }
      }
    }
    if (m.events.isPresent() && m.events.get().gcPauseMs >= 0 && m.events.get().gcPauseMs > pauseMs) {
      pauseMs = m.events.get().gcPauseMs;
      count = Math.max(count, m.events.get().gcPauses);
      entry = Events.ENTRY;
    }
    if (pauseMs < 0) {
      return List.of();
    }
    double share = (double) pauseMs / window;
    if (share < INFO) {
      return List.of();
    }
    // One or two long pauses on a starved host inflate the share (wall time); thrashing is many collections or
    // old ones.
    boolean thrash = count >= MIN_COLLECTIONS || oldCount > 0;
    int score = share >= WARNING && thrash ? (int) Math.min(89, 65 + share * 100) : 45;
    return List.of(Finding.scored(id(), score, "GC pauses took " + Fmt.pct(share) + " of the window",
        Fmt.n(count) + " collections" + (oldCount > 0 ? " (" + oldCount + " old/full)" : "") + " paused the"
            + " application for " + Fmt.n(pauseMs) + " ms of " + Fmt.secs(window) + " (throughput "
            + Fmt.pct(1 - share) + "; 95 % or more is healthy).",
        List.of(new Evidence(entry, m.lineOf(entry, "\"gc\""), "GC time over the window")), Set.of()));
  }
}
