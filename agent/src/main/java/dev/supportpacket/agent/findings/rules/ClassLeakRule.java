package dev.supportpacket.agent.findings.rules;

import dev.supportpacket.agent.findings.model.ClassRow;
import dev.supportpacket.agent.findings.model.PacketModel;
import dev.supportpacket.agent.findings.model.Reading;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Class metadata nearly filling its limit (Metaspace or Compressed Class Space against their max), usually
 * classes loaded again and again by new class loaders that are never let go; the histogram's loader counts and
 * classes loaded during the window with none unloaded name the pattern.
 */
public final class ClassLeakRule implements Rule {
  static final double CRITICAL = 0.9;
  static final double WARNING = 0.8;
  /** Instances of one class-loader class that are unusual for one application. */
  static final long MANY_LOADERS = 200;

  @Override
  public String id() {
    return "class-leak";
  }

  @Override
  public List<Finding> apply(PacketModel m) {
    if (m.end.isEmpty()) {
      return List.of();
    }
    Reading r = m.end.get();
    for (Reading.Pool p : r.pools()) {
      boolean classSpace = p.isMetaspace() || p.name.equals("Compressed Class Space");
      // The compressed class space's max is a reservation (1 GB by default), rarely the real limit.
      if (!classSpace || p.max <= 0 || p.used < 0 || p.name.startsWith("Compressed") && p.max >= (1L << 30)) {
        continue;
      }
      double share = (double) p.used / p.max;
      if (share < WARNING) {
        continue;
      }
      List<Evidence> ev = new ArrayList<>();
      ev.add(new Evidence(r.entry, m.lineOf(r.entry, p.name), p.name + " used " + p.used + " of " + p.max));
      return List.of(Finding.scored(id(), share >= CRITICAL ? 90 : 72, p.name + " " + Fmt.pct(share) + " full ("
          + Fmt.mb(p.used) + " of " + Fmt.mb(p.max) + ")", p.name + " holds " + Fmt.mb(p.used) + " of its "
          + Fmt.mb(p.max) + " max" + growth(m) + loaders(m, ev) + ": when it is full the JVM throws"
          + " OutOfMemoryError: " + p.name + ".", ev, Set.of()));
    }
    return List.of();
  }

  private static String growth(PacketModel m) {
    if (!m.hasDelta()) {
      return "; " + m.end.get().classesLoaded() + " classes loaded";
    }
    long loaded = m.end.get().classesTotalLoaded() - m.start.get().classesTotalLoaded();
    long unloaded = m.end.get().classesUnloaded() - m.start.get().classesUnloaded();
    return "; " + Fmt.n(loaded) + " classes loaded and " + Fmt.n(unloaded) + " unloaded during the window, "
        + Fmt.n(m.end.get().classesLoaded()) + " loaded now";
  }

  private static String loaders(PacketModel m, List<Evidence> ev) {
    for (ClassRow c : m.histogram) {
      if ((c.className.endsWith("ClassLoader") || c.className.endsWith("Loader")) && c.instances >= MANY_LOADERS) {
        ev.add(new Evidence(PacketModel.HISTOGRAM, c.line, c.className + " " + c.instances + " instances"));
        return "; " + Fmt.n(c.instances) + " instances of " + c.className + " in the heap";
      }
    }
    return "";
  }
}
