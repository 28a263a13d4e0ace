package dev.supportpacket.agent.findings.rules;

import dev.supportpacket.agent.findings.model.FoldedStack;
import dev.supportpacket.agent.findings.model.Frames;
import dev.supportpacket.agent.findings.model.PacketModel;
import dev.supportpacket.agent.findings.model.ThreadSample;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A thread that burns most of a core in the same method in every snapshot (fastThread's "treadmill"). Busy
 * services spread their CPU over many threads and methods; one thread pinned to one method is a loop. On a machine
 * busy with other work the loop gets less than a core, and is then told by owning the application's CPU.
 */
public final class CpuHotSpotRule implements Rule {
  /** Share of one core over the window from which a thread is hot. */
  static final double HOT_CORE_SHARE = 0.8;
  /** Share of all CPU samples one method needs to be named hot from the profile alone. */
  static final double HOT_SAMPLE_SHARE = 0.5;
  /**
   * Share of the application's CPU (and of all CPU samples) that makes a thread hot whatever core share it got: far
   * above what a busy service's busiest worker or method holds (about half, measured on the corpus's busy control).
   */
  static final double OWNED_SAMPLE_SHARE = 0.8;
  /** Share of all CPU samples a looping method holds at least (a loop owns its thread's samples). */
  static final double MIN_PROFILE_SHARE = 0.25;
  /** How many of the thread's own frames (from the top) may hold the loop. */
  static final int OWN_FRAMES = 3;
  /** Fewer samples than this say nothing about a method. */
  static final long MIN_SAMPLES = 100;

  @Override
  public String id() {
    return "cpu-hot-spot";
  }

  @Override
  public List<Finding> apply(PacketModel m) {
    List<Finding> out = new ArrayList<>();
    if (m.snapshots.size() >= 2) {
      long span = m.snapshots.get(m.snapshots.size() - 1).atMs - m.snapshots.get(0).atMs;
      if (span > 0) {
        for (ThreadSample t : Threads.last(m)) {
          hot(m, t, span).ifPresent(out::add);
        }
      }
      return out;
    }
    // An older packet: one moment of threads, so only the profile can point at a method, and never alarmingly.
    Map<String, Long> byLeaf = new HashMap<>();
    for (FoldedStack s : m.cpu) {
      byLeaf.merge(s.leaf(), s.count, Long::sum);
    }
    long total = m.cpuSamples();
    byLeaf.entrySet().stream().max(Map.Entry.comparingByValue()).ifPresent(e -> {
      if (total >= MIN_SAMPLES && e.getValue() >= HOT_SAMPLE_SHARE * total) {
        out.add(Finding.scored(id(), 40, "Hot method " + Frames.shortName(e.getKey()),
            Fmt.pct((double) e.getValue() / total) + " of " + Fmt.n(total) + " CPU samples end in " + e.getKey()
                + "; without thread snapshots over the window it cannot be told whether one thread loops there.",
            List.of(new Evidence(PacketModel.FOLDED, m.lineOf(PacketModel.FOLDED, e.getKey()), e.getKey())),
            Set.of()));
      }
    });
    return out;
  }

  /**
   * The topmost of the thread's own methods (its first {@link #OWN_FRAMES} application frames in the last snapshot)
   * that is on its stack in every snapshot: where it loops. "" when none is.
   */
  static String commonMethod(List<ThreadSample> history) {
    ThreadSample last = history.get(history.size() - 1);
    int own = 0;
    for (String f : last.stack) {
      if (Frames.isPlumbing(f)) {
        continue;
      }
      String m = Frames.method(f);
      boolean everywhere = true;
      for (ThreadSample s : history) {
        everywhere &= s.stack.stream().anyMatch(x -> Frames.method(x).equals(m));
      }
      if (everywhere) {
        return m;
      }
      if (++own == OWN_FRAMES) {
        break;
      }
    }
    return "";
  }

  private java.util.Optional<Finding> hot(PacketModel m, ThreadSample t, long spanMs) {
    List<ThreadSample> h = m.history(t.id);
    if (h.size() < 2 || h.get(0).cpuNs < 0 || t.cpuNs < 0) {
      return java.util.Optional.empty();
    }
    double share = (t.cpuNs - h.get(0).cpuNs) / 1e6 / spanMs;
    String method = commonMethod(h);
    if (method.isEmpty()) {
      return java.util.Optional.empty();
    }
    for (ThreadSample s : h) {
      if (!s.state.equals("RUNNABLE") || !Threads.ioFrame(s).isEmpty()) {
        return java.util.Optional.empty();
      }
    }
    long inMethod = 0;
    for (FoldedStack s : m.cpu) {
      for (String f : s.frames) {
        if (Frames.method(f).equals(method)) {
          inMethod += s.count;
          break;
        }
      }
    }
    long total = m.cpuSamples();
    // On a machine busy with other work the scheduler gives a loop only a slice of a core (and JFR's sampler few
    // samples), so its CPU time alone misses it. A thread that ran in every interval, RUNNABLE in the same method in
    // at least three snapshots, holding nearly all the application's CPU (and the profile's samples, where there
    // are enough to tell), is a loop that would take a whole core if it could; busy services share theirs.
    long cpu = t.cpuNs - h.get(0).cpuNs;
    boolean starved = h.size() >= 3 && ranThroughout(h) && cpu >= OWNED_SAMPLE_SHARE * applicationCpuNs(m)
        && (total < MIN_SAMPLES || inMethod >= OWNED_SAMPLE_SHARE * total);
    if (share < HOT_CORE_SHARE && !starved) {
      return java.util.Optional.empty();
    }
    if (total >= MIN_SAMPLES && inMethod < MIN_PROFILE_SHARE * total) {
      // The snapshots met it there by chance: the profile says the thread's time is spread over other code.
      return java.util.Optional.empty();
    }
    String samples = total > 0 ? "; " + Fmt.pct((double) inMethod / total) + " of all " + Fmt.n(total)
        + " CPU samples are in it" : "";
    // Three agreeing snapshots are a loop; two may be one long task.
    int score = h.size() >= 3 ? 75 + (int) Math.max(0, Math.min(10, (share - HOT_CORE_SHARE) * 50)) : 55;
    List<Evidence> ev = new ArrayList<>();
    ev.add(Threads.evidence(m, t, Fmt.quoted(t.name) + " RUNNABLE at " + t.top()));
    int line = m.lineOf(PacketModel.FOLDED, method);
    if (line > 0) {
      ev.add(new Evidence(PacketModel.FOLDED, line, method));
    }
    String site = method;
    for (String f : t.stack) {
      if (Frames.method(f).equals(method)) {
        site = f;
        break;
      }
    }
    return java.util.Optional.of(Finding.scored(id(), score, "Hot thread " + Fmt.quoted(t.name) + " in "
        + Frames.shortName(site), Fmt.quoted(t.name) + " used " + Fmt.pct(share)
        + " of a core over " + Fmt.secs(spanMs) + ", RUNNABLE in " + method + " in " + h.size() + " of "
        + m.snapshots.size() + " snapshots" + samples
        + (share < HOT_CORE_SHARE
            ? " (less than a core because the machine was busy; it used nearly all of the application's CPU)" : "")
        + ".", ev,
        Set.of(t.name)));
  }

  /** CPU the application's threads (not the agent's) used between their first and last snapshot. */
  static long applicationCpuNs(PacketModel m) {
    long sum = 0;
    for (ThreadSample t : Threads.last(m)) {
      List<ThreadSample> h = m.history(t.id);
      if (h.get(0).cpuNs >= 0 && t.cpuNs >= h.get(0).cpuNs) {
        sum += t.cpuNs - h.get(0).cpuNs;
      }
    }
    return sum;
  }

  /** Whether the thread used CPU between every two snapshots: it never waited the window out. */
  static boolean ranThroughout(List<ThreadSample> history) {
    for (int i = 1; i < history.size(); i++) {
      if (history.get(i).cpuNs <= history.get(i - 1).cpuNs) {
        return false;
      }
    }
    return true;
  }
}
