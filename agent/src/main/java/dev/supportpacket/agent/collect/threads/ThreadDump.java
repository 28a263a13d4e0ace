package dev.supportpacket.agent.collect.threads;

import dev.supportpacket.agent.collect.FrameNames;
import dev.supportpacket.agent.packet.Packet;
import java.io.IOException;
import java.io.Writer;
import java.lang.management.LockInfo;
import java.lang.management.MonitorInfo;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code threads/threads.txt}: deadlocks first, then every thread, deadlocked ones first, then by CPU time used, the
 * agent's own last and marked; each with its state, complete stack (unlike {@link ThreadInfo#toString()}, which
 * stops at 8 frames), the monitors it holds and the lock it waits for. Locked ownable synchronizers (ReentrantLock
 * and friends) are listed for deadlocked threads only; see {@link #add}. It is written from the first of the
 * {@link ThreadSnapshotsCollector}'s snapshots: one pause of the application for both.
 */
final class ThreadDump {
  static final String ENTRY = "threads/threads.txt";

  private ThreadDump() {}

  /** Adds the entry, written from {@code snapshot}, which must be {@linkplain ThreadSnapshot#full full}. */
  static void add(Packet packet, ThreadSnapshot snapshot, ThreadMXBean mx) throws IOException {
    ThreadInfo[] all = snapshot.threads;
    long[] deadlocked = Deadlocks.in(all);
    Map<Long, ThreadInfo> byId = new HashMap<>();
    Map<Long, Long> cpu = new HashMap<>();
    for (int i = 0; i < all.length; i++) {
      if (all[i] != null) {
        byId.put(all[i].getThreadId(), all[i]);
        cpu.put(all[i].getThreadId(), snapshot.cpuNanos(i));
      }
    }
    // Ownable synchronizers for every thread (jstack -l) cost a stop-the-world walk of the whole heap: measured
    // 300-475 ms on a 300 MB heap. Monitors come from the stacks for free; synchronizers only where a deadlock is.
    if (deadlocked.length > 0 && mx.isSynchronizerUsageSupported()) {
      for (ThreadInfo t : mx.getThreadInfo(deadlocked, mx.isObjectMonitorUsageSupported(), true)) {
        if (t != null) {
          byId.put(t.getThreadId(), t);
        }
      }
    }
    Instant at = Instant.ofEpochMilli(snapshot.atMillis);
    packet.addText(ENTRY, w -> write(w, at, all, deadlocked, byId, cpu));
  }

  /** @param cpu each thread's CPU time in ns when the dump was taken, -1 when unknown */
  private static void write(Writer w, Instant at, ThreadInfo[] all, long[] deadlocked, Map<Long, ThreadInfo> byId,
      Map<Long, Long> cpu) throws IOException {
    w.write("Thread dump " + at + ", " + all.length + " threads\n\n");
    if (deadlocked.length > 0) {
      Arrays.sort(deadlocked);
      w.write("DEADLOCK: " + deadlocked.length + " threads are deadlocked\n");
      for (long id : deadlocked) {
        ThreadInfo t = byId.get(id);
        if (t != null) {
          w.write("  " + quoted(t) + " waits for " + describe(t.getLockInfo()) + " held by \""
              + t.getLockOwnerName() + "\" #" + t.getLockOwnerId() + "\n");
        }
      }
      w.write("\n");
      for (long id : deadlocked) {
        ThreadInfo t = byId.get(id);
        if (t != null) {
          writeThread(w, t, cpu.getOrDefault(id, -1L));
        }
      }
      w.write("--- all threads ---\n\n");
    } else {
      w.write("No deadlock found.\n\n");
    }
    for (ThreadInfo t : ordered(all, deadlocked, cpu)) {
      writeThread(w, byId.get(t.getThreadId()), cpu.get(t.getThreadId()));
    }
  }

  /**
   * The interesting threads first: deadlocked ones, then by CPU time used, most first; the agent's own threads last
   * (they are marked too), since the application's problem is never in them.
   */
  static List<ThreadInfo> ordered(ThreadInfo[] all, long[] deadlocked, Map<Long, Long> cpu) {
    Set<Long> stuck = new HashSet<>();
    for (long id : deadlocked) {
      stuck.add(id);
    }
    List<ThreadInfo> list = new ArrayList<>();
    for (ThreadInfo t : all) {
      if (t != null) {
        list.add(t);
      }
    }
    list.sort(Comparator.comparing((ThreadInfo t) -> ThreadSnapshot.isAgent(t))
        .thenComparing(t -> !stuck.contains(t.getThreadId()))
        .thenComparing(t -> -cpu.get(t.getThreadId())));
    return list;
  }

  /** @param cpu the thread's CPU time in ns, -1 when unknown */
  private static void writeThread(Writer w, ThreadInfo t, long cpu) throws IOException {
    StringBuilder sb = new StringBuilder();
    sb.append(quoted(t)).append(t.isDaemon() ? " daemon" : "").append(" prio=").append(t.getPriority());
    if (cpu >= 0) {
      sb.append(" cpu=").append(cpu / 1_000_000).append("ms");
    }
    if (ThreadSnapshot.isAgent(t)) {
      sb.append(" [support-packet agent]");
    }
    if (t.isSuspended()) {
      sb.append(" suspended");
    }
    if (t.isInNative()) {
      sb.append(" in_native");
    }
    sb.append("\n   java.lang.Thread.State: ").append(t.getThreadState()).append('\n');
    StackTraceElement[] stack = t.getStackTrace();
    MonitorInfo[] monitors = t.getLockedMonitors();
    for (int depth = 0; depth < stack.length; depth++) {
      sb.append("\tat ").append(FrameNames.of(stack[depth])).append('\n');
      if (depth == 0 && t.getLockInfo() != null) {
        sb.append("\t- ").append(waitVerb(t)).append(' ').append(describe(t.getLockInfo()));
        if (t.getLockOwnerName() != null) {
          sb.append(" owned by \"").append(t.getLockOwnerName()).append("\" #").append(t.getLockOwnerId());
        }
        sb.append('\n');
      }
      for (MonitorInfo m : monitors) {
        if (m.getLockedStackDepth() == depth) {
          sb.append("\t- locked ").append(describe(m)).append('\n');
        }
      }
    }
    LockInfo[] syncs = t.getLockedSynchronizers();
    if (syncs.length > 0) {
      sb.append("\n   Locked ownable synchronizers:\n");
      for (LockInfo l : syncs) {
        sb.append("\t- ").append(describe(l)).append('\n');
      }
    }
    sb.append('\n');
    w.write(sb.toString());
  }

  private static String waitVerb(ThreadInfo t) {
    switch (t.getThreadState()) {
      case BLOCKED:
        return "waiting to lock";
      case WAITING:
      case TIMED_WAITING:
        return t.getStackTrace().length > 0 && t.getStackTrace()[0].getClassName().equals("jdk.internal.misc.Unsafe")
            ? "parking to wait for"
            : "waiting on";
      default:
        return "waiting for";
    }
  }

  private static String quoted(ThreadInfo t) {
    return "\"" + t.getThreadName() + "\" #" + t.getThreadId();
  }

  private static String describe(LockInfo l) {
    return l == null ? "<unknown>" : String.format("<0x%08x> (a %s)", l.getIdentityHashCode(), l.getClassName());
  }
}
