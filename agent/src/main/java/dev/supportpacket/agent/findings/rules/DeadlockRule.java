package dev.supportpacket.agent.findings.rules;

import dev.supportpacket.agent.findings.model.PacketModel;
import dev.supportpacket.agent.findings.model.Snapshot;
import dev.supportpacket.agent.findings.model.ThreadSample;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Threads that wait for each other's locks: they never move again. Decisive from one snapshot. */
public final class DeadlockRule implements Rule {
  @Override
  public String id() {
    return "deadlock";
  }

  @Override
  public List<Finding> apply(PacketModel m) {
    List<Finding> out = new ArrayList<>();
    if (m.snapshots.isEmpty()) {
      return out;
    }
    Snapshot last = m.snapshots.get(m.snapshots.size() - 1);
    for (List<Long> cycle : m.deadlocks) {
      Set<String> names = new LinkedHashSet<>();
      List<String> links = new ArrayList<>();
      List<Evidence> evidence = new ArrayList<>();
      String lockClass = "";
      for (Long id : cycle) {
        ThreadSample t = last.thread(id).orElse(null);
        if (t == null) {
          continue;
        }
        names.add(Fmt.quoted(t.name));
        String owner = last.thread(t.lockOwnerId).map(o -> Fmt.quoted(o.name)).orElse("#" + t.lockOwnerId);
        links.add(Fmt.quoted(t.name) + " waits for " + (t.lock.isEmpty() ? "a lock" : t.lock) + " at "
            + Threads.site(t) + ", held by " + owner);
        evidence.add(Threads.evidence(m, t, Fmt.quoted(t.name) + " " + t.state + " at " + t.top()));
        if (lockClass.isEmpty() && t.lock.contains("@")) {
          lockClass = t.lock.substring(0, t.lock.indexOf('@'));
        }
      }
      if (names.isEmpty()) {
        continue;
      }
      String title = "Deadlock: " + String.join(" and ", names) + (lockClass.isEmpty() ? "" : " on " + lockClass);
      String summary = names.size() + " threads wait for each other and will never continue: "
          + String.join("; ", links) + ".";
      Set<String> about = new LinkedHashSet<>();
      for (Long id : cycle) {
        last.thread(id).ifPresent(t -> about.add(t.name));
      }
      out.add(Finding.scored(id(), 100, title, summary, evidence, about));
    }
    return out;
  }
}
