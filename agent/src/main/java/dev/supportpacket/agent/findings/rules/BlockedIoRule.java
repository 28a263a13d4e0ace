package dev.supportpacket.agent.findings.rules;

import dev.supportpacket.agent.findings.model.Events;
import dev.supportpacket.agent.findings.model.Frames;
import dev.supportpacket.agent.findings.model.PacketModel;
import dev.supportpacket.agent.findings.model.ThreadSample;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Threads that wait for a socket or file to answer, at the same place in every snapshot: the other side (or the
 * disk) is slow or gone, often with no timeout set. A read still waiting at the end of the window writes no JFR
 * event, so the snapshots decide; JFR's slow reads that did end add the host and port.
 */
public final class BlockedIoRule implements Rule {
  /** JFR I/O at least this slow is a warning (JMC's SocketRead warns at 2 s). */
  static final long SLOW_MS = 2000;
  static final long NOTABLE_MS = 500;

  @Override
  public String id() {
    return "blocked-io";
  }

  @Override
  public List<Finding> apply(PacketModel m) {
    List<Finding> out = new ArrayList<>();
    Map<String, List<ThreadSample>> bySite = new LinkedHashMap<>();
    for (ThreadSample t : Threads.last(m)) {
      if (!Threads.ioFrame(t).isEmpty() && (m.snapshots.size() < 2 || stuckThroughout(m, t))) {
        bySite.computeIfAbsent(Threads.site(t), k -> new ArrayList<>()).add(t);
      }
    }
    bySite.forEach((site, threads) -> {
      ThreadSample first = threads.get(0);
      String io = Threads.ioFrame(first);
      String kind = Threads.isSocket(io) ? "socket" : "file";
      String target = target(m, site, kind);
      Set<String> about = new LinkedHashSet<>();
      threads.forEach(t -> about.add(t.name));
      long span = m.snapshots.size() >= 2 ? m.snapshots.get(m.snapshots.size() - 1).atMs - m.snapshots.get(0).atMs : -1;
      // Many threads stuck on one call is an outage of what they call; one thread may be a long poll.
      int score = m.snapshots.size() < 2 ? 40 : threads.size() >= 2 ? 78 : 50;
      out.add(Finding.scored(id(), score, threads.size() + " thread" + (threads.size() == 1 ? "" : "s")
          + " blocked in " + kind + " I/O" + (target.isEmpty() ? "" : " to " + target) + " at " + site,
          threads.size() + " thread" + (threads.size() == 1 ? "" : "s") + " (" + String.join(", ", quoted(about))
              + ") wait in " + Frames.shortName(io) + " called from " + site
              + (span > 0 ? ", the same call in all " + m.snapshots.size() + " snapshots over " + Fmt.secs(span)
                  : " (one snapshot only)") + (target.isEmpty() ? "" : "; JFR saw slow " + kind + " I/O to " + target)
              + ".", List.of(Threads.evidence(m, first, Fmt.quoted(first.name) + " at " + first.top())), about));
    });
    if (out.isEmpty() && m.events.isPresent()) {
      for (Events.Io io : m.events.get().io) {
        if (io.maxMs >= NOTABLE_MS) {
          out.add(Finding.scored(id(), io.maxMs >= SLOW_MS ? 65 : 40, "Slow " + io.kind + " to " + io.target,
              Fmt.n(io.count) + " " + io.kind + " operations on " + io.target + " by " + io.threads + " thread(s) took "
                  + Fmt.secs(io.totalMs) + " in all, the slowest " + Fmt.n(io.maxMs) + " ms"
                  + (io.stack.isEmpty() ? "" : ", from " + Frames.shortName(Frames.firstOwn(io.stack))) + ".",
              List.of(new Evidence(Events.ENTRY, m.lineOf(Events.ENTRY, io.target), io.kind + " " + io.target)),
              Set.of()));
        }
      }
    }
    return out;
  }

  private static List<String> quoted(Set<String> names) {
    List<String> q = new ArrayList<>();
    for (String n : names) {
      if (q.size() == 5) {
        q.add("…");
        break;
      }
      q.add(Fmt.quoted(n));
    }
    return q;
  }

  /** Same own frame and the same I/O call in every snapshot that has the thread. */
  private static boolean stuckThroughout(PacketModel m, ThreadSample t) {
    List<ThreadSample> h = m.history(t.id);
    if (h.size() < 2) {
      return false;
    }
    for (ThreadSample s : h) {
      if (Threads.ioFrame(s).isEmpty() || !Threads.site(s).equals(Threads.site(t))) {
        return false;
      }
    }
    return true;
  }

  /** The host:port or file JFR saw slow I/O on from the same site, "" when none. */
  private static String target(PacketModel m, String site, String kind) {
    if (m.events.isEmpty()) {
      return "";
    }
    String method = Frames.method(site);
    String fallback = "";
    for (Events.Io io : m.events.get().io) {
      if (!io.kind.contains(kind) || io.target.isEmpty()) {
        continue;
      }
      for (String f : io.stack) {
        if (Frames.shortName(f).startsWith(method)) {
          return io.target;
        }
      }
      if (fallback.isEmpty() && io.maxMs >= NOTABLE_MS) {
        fallback = io.target;
      }
    }
    return fallback;
  }
}
