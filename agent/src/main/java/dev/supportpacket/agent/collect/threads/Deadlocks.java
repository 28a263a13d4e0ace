package dev.supportpacket.agent.collect.threads;

import java.lang.management.ThreadInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds deadlocks in one thread dump, as {@code ThreadMXBean.findDeadlockedThreads} does but without stopping the
 * application a second time: the dump is one consistent snapshot, and each blocked thread names the owner of the
 * monitor or ownable synchronizer it waits for. Each thread waits for at most one owner, so a deadlock is a cycle
 * of "waits for" links.
 */
final class Deadlocks {
  private Deadlocks() {}

  /** The ids of the threads that are part of a cycle, in the order found; empty when there is none. */
  static long[] in(ThreadInfo[] dump) {
    Map<Long, Long> waitsFor = new HashMap<>();
    for (ThreadInfo t : dump) {
      if (t != null && t.getLockOwnerId() >= 0) {
        waitsFor.put(t.getThreadId(), t.getLockOwnerId());
      }
    }
    Set<Long> inCycle = new LinkedHashSet<>();
    Set<Long> done = new LinkedHashSet<>();
    for (Long start : waitsFor.keySet()) {
      // Follow the links from start until a thread seen on this walk (a cycle) or one already settled, or a runner.
      Set<Long> walk = new LinkedHashSet<>();
      Long t = start;
      while (t != null && !done.contains(t) && walk.add(t)) {
        t = waitsFor.get(t);
      }
      if (t != null && walk.contains(t)) {
        boolean cycle = false;
        for (Long w : walk) {
          cycle |= w.equals(t);
          if (cycle) {
            inCycle.add(w);
          }
        }
      }
      done.addAll(walk);
    }
    long[] ids = new long[inCycle.size()];
    int i = 0;
    for (Long id : inCycle) {
      ids[i++] = id;
    }
    return ids;
  }

  /** The deadlocks one by one: each cycle's thread ids in "waits for" order, starting from its lowest id. */
  static List<List<Long>> cycles(ThreadInfo[] dump) {
    Map<Long, Long> waitsFor = new HashMap<>();
    for (ThreadInfo t : dump) {
      if (t != null && t.getLockOwnerId() >= 0) {
        waitsFor.put(t.getThreadId(), t.getLockOwnerId());
      }
    }
    long[] ids = in(dump);
    java.util.Arrays.sort(ids);
    Set<Long> placed = new LinkedHashSet<>();
    List<List<Long>> cycles = new ArrayList<>();
    for (long id : ids) {
      List<Long> cycle = new ArrayList<>();
      for (Long t = id; t != null && placed.add(t); t = waitsFor.get(t)) {
        cycle.add(t);
      }
      if (!cycle.isEmpty()) {
        cycles.add(cycle);
      }
    }
    return cycles;
  }
}
