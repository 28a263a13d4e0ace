package dev.supportpacket.agent.collect.threads;

import dev.supportpacket.agent.boot.Daemon;
import dev.supportpacket.agent.collect.FrameNames;
import java.lang.management.LockInfo;
import java.lang.management.MonitorInfo;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every live thread at one moment: state, CPU time used so far, the lock it waits for and its owner, the monitors it
 * holds (in a {@linkplain #full full} snapshot only), and its stack. Two snapshots give each thread's CPU in between.
 * Immutable.
 *
 * <p>Each one stops the application at a safepoint (HotSpot's {@code VM_ThreadDump}, on JDK 17 and 25 alike), for
 * as long as the slowest busy thread takes to reach it plus the walk of every stack. The CPU times are read after
 * it, thread by thread, without stopping anyone.
 */
final class ThreadSnapshot {
  /**
   * Frames of a stack in {@code threads/snapshots.json}: deep enough for framework stacks (Spring's run 150-250
   * frames deep at most in practice), bounded in size. {@code threads/threads.txt} has whole stacks.
   */
  static final int MAX_DEPTH = 128;

  final String label;
  final long atMillis;
  /** The dump itself: ThreadInfo is immutable. */
  final ThreadInfo[] threads;
  /** Whether {@link #threads} have whole stacks and list the monitors each holds. */
  final boolean full;
  /** CPU time of each thread in {@link #threads}, same index; -1 when unknown (thread gone, or not supported). */
  private final long[] cpuNanos;

  private ThreadSnapshot(String label, long atMillis, ThreadInfo[] threads, boolean full, long[] cpuNanos) {
    this.label = label;
    this.atMillis = atMillis;
    this.threads = threads;
    this.full = full;
    this.cpuNanos = cpuNanos;
  }

  /**
   * The packet's thread dump: whole stacks and the monitors each thread holds. Ownable synchronizers (ReentrantLock
   * owners) are left out: listing them walks the whole heap at a safepoint (measured 300-475 ms on a 300 MB heap); a
   * thread parked on one still names it and its owner.
   */
  static ThreadSnapshot full(ThreadMXBean mx, String label) {
    return take(mx, label, true);
  }

  /**
   * A lighter one, for the snapshots after the first: the monitors held are not listed (the rules need who waits for
   * what and its owner, which every snapshot has) and stacks stop at {@link #MAX_DEPTH} frames, so the application
   * stands still no longer than the stacks take to walk.
   */
  static ThreadSnapshot light(ThreadMXBean mx, String label) {
    return take(mx, label, false);
  }

  private static ThreadSnapshot take(ThreadMXBean mx, String label, boolean full) {
    long at = System.currentTimeMillis();
    ThreadInfo[] dump = full
        ? mx.dumpAllThreads(mx.isObjectMonitorUsageSupported(), false)
        : mx.dumpAllThreads(false, false, MAX_DEPTH);
    long[] cpu = new long[dump.length];
    boolean cpuKnown = mx.isThreadCpuTimeSupported() && mx.isThreadCpuTimeEnabled();
    for (int i = 0; i < dump.length; i++) {
      cpu[i] = cpuKnown && dump[i] != null ? mx.getThreadCpuTime(dump[i].getThreadId()) : -1;
    }
    return new ThreadSnapshot(label, at, dump, full, cpu);
  }

  /** CPU time of {@code threads[index]} when the snapshot was taken, -1 when unknown. */
  long cpuNanos(int index) {
    return cpuNanos[index];
  }

  /** True for the agent's own threads: the application's problem is never in them. */
  static boolean isAgent(ThreadInfo t) {
    return t.getThreadName().startsWith(Daemon.THREAD_PREFIX);
  }

  /** The contract shape of {@code threads/snapshots.json}. */
  Map<String, Object> toJson() {
    List<Object> list = new ArrayList<>();
    for (int i = 0; i < threads.length; i++) {
      ThreadInfo t = threads[i];
      if (t == null) {
        continue;
      }
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", t.getThreadId());
      m.put("name", t.getThreadName());
      m.put("state", t.getThreadState().name());
      m.put("daemon", t.isDaemon());
      m.put("cpu_ns", cpuNanos(i));
      m.put("agent", isAgent(t));
      m.put("lock", t.getLockInfo() == null ? null : lockName(t.getLockInfo()));
      m.put("lock_owner_id", t.getLockOwnerId() >= 0 ? t.getLockOwnerId() : null);
      List<String> locked = new ArrayList<>();
      for (MonitorInfo mi : t.getLockedMonitors()) {
        locked.add(lockName(mi));
      }
      // null, not empty: a light snapshot did not ask which monitors the thread holds.
      m.put("locked", full ? locked : null);
      m.put("in_native", t.isInNative());
      List<String> stack = new ArrayList<>();
      StackTraceElement[] frames = t.getStackTrace();
      for (int f = 0; f < Math.min(frames.length, MAX_DEPTH); f++) {
        stack.add(FrameNames.of(frames[f]));
      }
      m.put("stack", stack);
      list.add(m);
    }
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("label", label);
    s.put("at_ms", atMillis);
    s.put("threads", Collections.unmodifiableList(list));
    return s;
  }

  /** {@code class@hex}, the identity the JDK's own dumps print, so a lock can be followed across threads. */
  static String lockName(LockInfo l) {
    return FrameNames.normalise(l.getClassName()) + "@" + Integer.toHexString(l.getIdentityHashCode());
  }
}
