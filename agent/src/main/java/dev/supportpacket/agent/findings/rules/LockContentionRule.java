package dev.supportpacket.agent.findings.rules;

import dev.supportpacket.agent.findings.model.Events;
import dev.supportpacket.agent.findings.model.PacketModel;
import dev.supportpacket.agent.findings.model.Snapshot;
import dev.supportpacket.agent.findings.model.ThreadSample;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A convoy on one lock (fastThread's "traffic jam", JMC's JavaBlocking): several threads BLOCKED on the same
 * monitor in more than one snapshot, or JFR's monitor-enter time adding up to a large part of the window.
 */
public final class LockContentionRule implements Rule {
  static final int MIN_WAITERS = 3;
  /** Thread-time blocked on one lock class, as a share of the window, that makes a warning. */
  static final double BLOCKED_SHARE = 0.5;

  @Override
  public String id() {
    return "lock-contention";
  }

  @Override
  public List<Finding> apply(PacketModel m) {
    List<Finding> out = new ArrayList<>();
    Set<Long> deadlocked = new HashSet<>();
    m.deadlocks.forEach(deadlocked::addAll);
    // lock -> snapshots in which it had MIN_WAITERS or more
    Map<String, Integer> seen = new LinkedHashMap<>();
    Map<String, Set<String>> waiters = new HashMap<>();
    Map<String, ThreadSample> anyWaiter = new HashMap<>();
    for (Snapshot s : m.snapshots) {
      Map<String, List<ThreadSample>> byLock = new HashMap<>();
      for (ThreadSample t : Threads.app(s)) {
        boolean ownedByUs = s.thread(t.lockOwnerId).map(o -> o.agent).orElse(false);
        if (t.state.equals("BLOCKED") && !t.lock.isEmpty() && !deadlocked.contains(t.id) && !ownedByUs) {
          byLock.computeIfAbsent(t.lock, k -> new ArrayList<>()).add(t);
        }
      }
      byLock.forEach((lock, ts) -> {
        if (ts.size() >= MIN_WAITERS) {
          seen.merge(lock, 1, Integer::sum);
          ts.forEach(t -> waiters.computeIfAbsent(lock, k -> new LinkedHashSet<>()).add(t.name));
          anyWaiter.put(lock, ts.get(0));
        }
      });
    }
    Snapshot last = m.snapshots.isEmpty() ? null : m.snapshots.get(m.snapshots.size() - 1);
    seen.forEach((lock, times) -> {
      ThreadSample w = anyWaiter.get(lock);
      ThreadSample owner = last == null ? null : last.thread(w.lockOwnerId).orElse(null);
      String ownerText = owner == null ? "" : ", held by " + Fmt.quoted(owner.name) + " at " + Threads.site(owner);
      Set<String> about = new LinkedHashSet<>(waiters.get(lock));
      List<Evidence> ev = new ArrayList<>();
      ev.add(Threads.evidence(m, w, Fmt.quoted(w.name) + " BLOCKED on " + lock + " at " + w.top()));
      if (owner != null) {
        about.add(owner.name);
        ev.add(Threads.evidence(m, owner, Fmt.quoted(owner.name) + " holds " + lock + " at " + owner.top()));
      }
      // Seen twice it is a convoy; once may be a moment's queue.
      int score = times >= 2 ? Math.min(89, 70 + waiters.get(lock).size()) : 45;
      out.add(Finding.scored(id(), score, "Lock contention on " + lock + ownerText,
          waiters.get(lock).size() + " threads BLOCKED on " + lock + " (waiting at " + Threads.site(w) + ") in "
              + times + " of " + m.snapshots.size() + " snapshots" + ownerText + ".", ev, about));
    });
    if (seen.isEmpty() && m.events.isPresent() && m.windowMs() > 0) {
      fromEvents(m, m.events.get()).ifPresent(out::add);
    }
    return out;
  }

  /**
   * A wait of the packet itself: JFR's own recorder lock, or a thread or owner of the agent. Real, but never the
   * application's problem, and our own recordings' starts and stops must not read as a convoy.
   */
  static boolean ours(Events.Wait w) {
    return w.lockClass.startsWith("jdk.jfr.") || Threads.isAgent(w.thread) || Threads.isAgent(w.owner)
        || w.thread.startsWith("JFR ");
  }

  /** Blocking that ended inside the window, summed per lock class. */
  private java.util.Optional<Finding> fromEvents(PacketModel m, Events e) {
    Map<String, long[]> byClass = new LinkedHashMap<>();
    Map<String, Set<String>> threads = new HashMap<>();
    for (Events.Wait w : e.monitorEnter) {
      if (ours(w)) {
        continue;
      }
      long[] sum = byClass.computeIfAbsent(w.lockClass, k -> new long[3]);
      sum[0] += w.totalMs;
      sum[1] += w.count;
      sum[2] = Math.max(sum[2], w.threads);
      threads.computeIfAbsent(w.lockClass, k -> new LinkedHashSet<>()).add(w.thread);
    }
    return byClass.entrySet().stream().max((a, b) -> Long.compare(a.getValue()[0], b.getValue()[0])).flatMap(top -> {
      double share = (double) top.getValue()[0] / m.windowMs();
      long waiters = Math.max(top.getValue()[2], threads.get(top.getKey()).size());
      if (share < 0.1 || waiters < 2) {
        return java.util.Optional.empty();
      }
      int score = share >= BLOCKED_SHARE ? 70 : 45;
      return java.util.Optional.of(Finding.scored(id(), score, "Lock contention on " + top.getKey(),
          waiters + " threads were blocked entering " + top.getKey() + " monitors "
              + Fmt.n(top.getValue()[1]) + " times, " + Fmt.secs(top.getValue()[0]) + " in all over "
              + Fmt.secs(m.windowMs()) + " (" + Fmt.pct(share) + " of one thread's time).",
          List.of(new Evidence(Events.ENTRY, m.lineOf(Events.ENTRY, top.getKey()), "monitor_enter " + top.getKey())),
          threads.get(top.getKey())));
    });
  }
}
