package dev.supportpacket.agent.findings.rules;

import dev.supportpacket.agent.findings.model.Frames;
import dev.supportpacket.agent.findings.model.PacketModel;
import dev.supportpacket.agent.findings.model.Snapshot;
import dev.supportpacket.agent.findings.model.ThreadSample;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every worker of a thread pool inside a task that waits instead of runs, in every snapshot: new tasks queue up
 * and nothing is served. JFR cannot see this (a wait that never ends writes no event); the snapshots can.
 */
public final class PoolStarvationRule implements Rule {
  /** A pool of one thread is a single worker, not a pool. */
  static final int MIN_WORKERS = 2;
  /** Share of the stuck workers that must wait at the same site to name it. */
  static final double SAME_SITE = 0.75;

  @Override
  public String id() {
    return "pool-starvation";
  }

  @Override
  public List<Finding> apply(PacketModel m) {
    List<Finding> out = new ArrayList<>();
    Map<String, List<ThreadSample>> pools = new LinkedHashMap<>();
    for (ThreadSample t : Threads.last(m)) {
      if (Threads.inPool(t)) {
        pools.computeIfAbsent(Frames.poolName(t.name), k -> new ArrayList<>()).add(t);
      }
    }
    pools.forEach((pool, workers) -> {
      if (workers.size() < MIN_WORKERS) {
        return;
      }
      for (Snapshot s : m.snapshots) {
        for (ThreadSample w : workers) {
          ThreadSample then = s.thread(w.id).orElse(null);
          if (then != null && !Threads.stuckWorker(then)) {
            return;
          }
        }
      }
      Map<String, Integer> sites = new HashMap<>();
      for (ThreadSample w : workers) {
        sites.merge(Threads.site(w), 1, Integer::sum);
      }
      Map.Entry<String, Integer> site = sites.entrySet().stream().max(Map.Entry.comparingByValue()).get();
      if (site.getValue() < SAME_SITE * workers.size()) {
        return;
      }
      ThreadSample first = workers.get(0);
      String waitsFor = !Threads.ioFrame(first).isEmpty() ? "I/O (" + Frames.shortName(Threads.ioFrame(first)) + ")"
          : first.state.equals("BLOCKED") ? "a lock (" + first.lock + ")"
          : !first.lock.isEmpty() ? first.lock : first.state;
      Set<String> about = new LinkedHashSet<>();
      workers.forEach(w -> about.add(w.name));
      int score = m.snapshots.size() >= 2 ? 80 : 50;
      out.add(Finding.scored(id(), score, "Pool \"" + pool + "\" starved: " + workers.size() + "/" + workers.size()
          + " workers waiting in " + site.getKey(), "All " + workers.size() + " workers of pool \"" + pool
          + "\" are inside a task that waits for " + waitsFor + " at " + site.getKey() + " (" + site.getValue()
          + " of them), in " + m.snapshots.size() + " of " + m.snapshots.size()
          + " snapshots: no worker is free to take new tasks.", List.of(Threads.evidence(m, first,
              Fmt.quoted(first.name) + " " + first.state + " at " + first.top())), about));
    });
    return out;
  }
}
