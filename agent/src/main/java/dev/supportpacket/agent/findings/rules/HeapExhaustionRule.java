package dev.supportpacket.agent.findings.rules;

import dev.supportpacket.agent.findings.model.ClassRow;
import dev.supportpacket.agent.findings.model.PacketModel;
import dev.supportpacket.agent.findings.model.Reading;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The heap is nearly full of live objects: the old generation after a collection (what the GC could not free)
 * against its max. A heap full of garbage is normal; only the after-GC level says "full". A 5-s window cannot
 * prove growth, so this says "full", not "leaking"; the histogram names the classes holding it (Eclipse MAT's
 * leak suspects: any class with 10 % of the heap or more).
 */
public final class HeapExhaustionRule implements Rule {
  static final double WARNING = 0.8;
  static final double CRITICAL = 0.9;
  /** Full enough to be the cause when the GC thrashes. */
  static final double THRASHING = 0.7;
  /** MAT's leak-suspect threshold. */
  static final double SUSPECT = 0.10;

  @Override
  public String id() {
    return "heap-exhaustion";
  }

  @Override
  public List<Finding> apply(PacketModel m) {
    if (m.end.isEmpty()) {
      return List.of();
    }
    Reading r = m.end.get();
    for (Reading.Pool p : r.pools()) {
      if (!p.isOld() || p.afterGcUsed < 0) {
        continue;
      }
      long max = p.max > 0 ? p.max : r.heapMax();
      if (max <= 0) {
        continue;
      }
      double full = (double) p.afterGcUsed / max;
      GcOverheadRule.Pauses gc = GcOverheadRule.pauses(m);
      // Less full, but the GC already thrashes on it: the full heap is the cause to name.
      boolean thrashing = full >= THRASHING && gc.share() >= GcOverheadRule.WARNING && gc.thrash();
      if (full < WARNING && !thrashing) {
        continue;
      }
      int score = full >= CRITICAL ? 92 : 75;
      List<Evidence> ev = new ArrayList<>();
      ev.add(new Evidence(r.entry, m.lineOf(r.entry, p.name), p.name + " after GC " + p.afterGcUsed + " of max " + max));
      String holders = suspects(m, ev);
      return List.of(Finding.scored(id(), score, "Heap " + Fmt.pct(full) + " full after GC ("
          + Fmt.mb(p.afterGcUsed) + " of " + Fmt.mb(max) + " in " + p.name + ")",
          p.name + " still held " + Fmt.mb(p.afterGcUsed) + " of its " + Fmt.mb(max) + " max after the last"
              + " collection" + (gc.share() > 0 ? " (GC pauses " + Fmt.pct(gc.share()) + " of the window)" : "")
              + ": the live data nearly fills the heap, so the GC runs often and frees little. The heap"
              + " is too small for the load, or something keeps objects it no longer needs." + holders, ev, Set.of()));
    }
    return List.of();
  }

  /** The histogram's classes with 10 % of the heap or more, as a sentence; their rows added to {@code ev}. */
  private static String suspects(PacketModel m, List<Evidence> ev) {
    if (m.histogramBytes <= 0) {
      return "";
    }
    List<String> names = new ArrayList<>();
    for (ClassRow c : m.histogram) {
      double share = (double) c.bytes / m.histogramBytes;
      if (share >= SUSPECT && names.size() < 3) {
        names.add(c.readableName() + " " + Fmt.mb(c.bytes) + " (" + Fmt.pct(share) + ", " + Fmt.n(c.instances)
            + " objects)");
        ev.add(new Evidence(PacketModel.HISTOGRAM, c.line, c.readableName() + " " + c.bytes + " bytes"));
      }
    }
    return names.isEmpty() ? "" : " Largest in the histogram: " + String.join(", ", names) + ".";
  }
}
