package dev.supportpacket.agent.collect.threads;

import dev.supportpacket.agent.collect.CollectContext;
import dev.supportpacket.agent.collect.Collector;
import dev.supportpacket.agent.options.PacketOptions;
import dev.supportpacket.agent.packet.Packet;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes {@code threads/snapshots.json}: three snapshots of every thread, at the start, the middle and the end of the
 * profile window, which it overlaps (it starts with the profile and sleeps in between). JFR writes a blocking event
 * only when the wait ends, so a deadlock or a starved pool leaves no event in 5 s; three snapshots show it, and the
 * CPU time of each thread between them says which one burns a core.
 *
 * <p>It also writes the packet's thread dump, {@code threads/threads.txt}, from the first snapshot: a dump of all
 * threads stops the application at a safepoint, and before the snapshots the packet paid for exactly one. So the
 * first is that dump (whole stacks, monitors held) and the two after it are {@linkplain ThreadSnapshot#light light}:
 * on JDK 21 and newer they stop only the running threads, each for its own stack; on JDK 17 they are two short
 * safepoints.
 */
public final class ThreadSnapshotsCollector implements Collector {
  @Override
  public String id() {
    return "thread-snapshots";
  }

  @Override
  public Duration timeout(PacketOptions options) {
    return options.profileDuration().plusSeconds(30);
  }

  @Override
  public void collect(CollectContext ctx, Packet packet) throws Exception {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long window = ctx.options().profileDuration().toNanos();
    long t0 = System.nanoTime();
    List<ThreadSnapshot> taken = new ArrayList<>();
    ThreadSnapshot start = ThreadSnapshot.full(mx, "start");
    taken.add(start);
    // Written now, not after the window: a packet cut short still has its thread dump. The write waits until the
    // sanitizer has learned the process's secrets, so the later snapshots keep to the window's clock, not to it:
    // counted from the write, the end snapshot came half a second after the profile's end, and the packet waited.
    ThreadDump.add(packet, start, mx);
    sleepUntil(t0 + window / 2);
    taken.add(ThreadSnapshot.light(mx, "middle"));
    sleepUntil(t0 + window);
    taken.add(ThreadSnapshot.light(mx, "end"));
    packet.addJson("threads/snapshots.json", json(taken));
  }

  private static void sleepUntil(long nanoTime) throws InterruptedException {
    long left = nanoTime - System.nanoTime();
    if (left > 0) {
      Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
    }
  }

  static Map<String, Object> json(List<ThreadSnapshot> taken) {
    List<Object> snapshots = new ArrayList<>();
    for (ThreadSnapshot s : taken) {
      snapshots.add(s.toJson());
    }
    // A deadlock never resolves itself: the last snapshot holds every one the window saw.
    List<List<Long>> deadlocks = Deadlocks.cycles(taken.get(taken.size() - 1).threads);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("version", 1);
    m.put("max_depth", ThreadSnapshot.MAX_DEPTH);
    m.put("snapshots", snapshots);
    m.put("deadlocks", deadlocks);
    return m;
  }
}
