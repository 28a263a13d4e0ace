package dev.supportpacket.agent.collect.threads;

import dev.supportpacket.agent.collect.CollectContext;
import dev.supportpacket.agent.collect.Collector;
import dev.supportpacket.agent.collect.FrameNames;
import dev.supportpacket.agent.packet.Packet;
import java.io.IOException;
import java.io.Writer;
import java.lang.management.LockInfo;
import java.lang.management.ManagementFactory;
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
 * Writes {@code threads/threads.txt}: deadlocks first, then every thread, deadlocked ones first, then by CPU time
 * used, the agent's own last and marked; each with its state, complete stack (unlike
 * {@link ThreadInfo#toString()}, which stops at 8 frames), the monitors it holds and the lock it waits for. Locked
 * ownable synchronizers (ReentrantLock and friends) are listed for deadlocked threads only; see {@link #collect}.
 */
public final class ThreadDumpCollector implements Collector {
  @Override
  public String id() {
    return "thread-dump";
  }

  @Override
  public void collect(CollectContext ctx, Packet packet) throws IOException {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    // Ownable synchronizers for every thread (jstack -l) cost a stop-the-world walk of the whole heap: measured
    // 300-475 ms on a 300 MB heap. Monitors come from the stacks for free; synchronizers only where a deadlock is.
    ThreadInfo[] all = mx.dumpAllThreads(mx.isObjectMonitorUsageSupported(), false);
    long[] deadlocked = Deadlocks.in(all);
    Map<Long, ThreadInfo> byId = new HashMap<>();
    for (ThreadInfo t : all) {
      if (t != null) {
        byId.put(t.getThreadId(), t);
      }
    }
    if (deadlocked.length > 0 && mx.isSynchronizerUsageSupported()) {
      for (ThreadInfo t : mx.getThreadInfo(deadlocked, mx.isObjectMonitorUsageSupported(), true)) {
        if (t != null) {
          byId.put(t.getThreadId(), t);
        }
      }
    }
    packet.addText("threads/threads.txt", w -> write(w, all, deadlocked, byId, mx));
  }

  private static void write(Writer w, ThreadInfo[] all, long[] deadlocked, Map<Long, ThreadInfo> byId, ThreadMXBean mx)
      throws IOException {
    w.write("Thread dump " + Instant.now() + ", " + all.length + " threads\n\n");
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
          writeThread(w, t, cpuNanos(mx, id));
        }
      }
      w.write("--- all threads ---\n\n");
    } else {
      w.write("No deadlock found.\n\n");
    }
    // Read once: the order and the figures printed must agree, and CPU time moves on while we write.
    Map<Long, Long> cpu = new HashMap<>();
    for (ThreadInfo t : all) {
      if (t != null) {
        cpu.put(t.getThreadId(), cpuNanos(mx, t.getThreadId()));
      }
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

  private static long cpuNanos(ThreadMXBean mx, long id) {
    return mx.isThreadCpuTimeSupported() && mx.isThreadCpuTimeEnabled() ? mx.getThreadCpuTime(id) : -1;
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
