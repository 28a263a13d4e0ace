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

  /** Pause time, collections and old collections over the window, with the entry they come from. */
  static final class Pauses {
    final long window;
    long pauseMs = -1;
    long count;
    long oldCount;
    String entry = "";

    Pauses(long window) {
      this.window = window;
    }

    /** Share of the window the application stood still, -1 when unknown. */
    double share() {
      return pauseMs < 0 || window < MIN_WINDOW_MS ? -1 : (double) pauseMs / window;
    }

    boolean thrash() {
      // One or two long pauses on a starved host inflate the share (wall time); thrashing is many collections or
      // old ones.
      return count >= MIN_COLLECTIONS || oldCount > 0;
    }
  }

  static Pauses pauses(PacketModel m) {
    Pauses p = new Pauses(m.windowMs());
    if (m.hasDelta()) {
      p.pauseMs = 0;
      p.entry = m.end.get().entry;
      for (Reading.Gc end : m.end.get().gcs()) {
        for (Reading.Gc start : m.start.get().gcs()) {
          if (start.name.equals(end.name) && end.pauses() && end.timeMs >= start.timeMs && start.timeMs >= 0) {
            p.pauseMs += end.timeMs - start.timeMs;
            p.count += end.count - start.count;
            p.oldCount += end.isOld() ? end.count - start.count : 0;
          }
        }
      }
    }
    if (m.events.isPresent() && m.events.get().gcPauseMs >= 0 && m.events.get().gcPauseMs > p.pauseMs) {
      p.pauseMs = m.events.get().gcPauseMs;
      p.count = Math.max(p.count, m.events.get().gcPauses);
      p.entry = Events.ENTRY;
    }
    return p;
  }

  @Override
  public List<Finding> apply(PacketModel m) {
    Pauses p = pauses(m);
    double share = p.share();
    if (share < INFO) {
      return List.of();
    }
    long window = p.window;
    long pauseMs = p.pauseMs;
    long count = p.count;
    long oldCount = p.oldCount;
    String entry = p.entry;
    int score = share >= WARNING && p.thrash() ? (int) Math.min(89, 65 + share * 100) : 45;
    return List.of(Finding.scored(id(), score, "GC pauses took " + Fmt.pct(share) + " of the window",
        Fmt.n(count) + " collections" + (oldCount > 0 ? " (" + oldCount + " old/full)" : "") + " paused the"
            + " application for " + Fmt.n(pauseMs) + " ms of " + Fmt.secs(window) + " (throughput "
            + Fmt.pct(1 - share) + "; 95 % or more is healthy).",
        List.of(new Evidence(entry, m.lineOf(entry, "\"gc\""), "GC time over the window")), Set.of()));
  }
}
