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
 * holds, and its stack up to {@link #MAX_DEPTH} frames. Two snapshots give each thread's CPU in between. Immutable.
 */
final class ThreadSnapshot {
  /** Deep enough for framework stacks (Spring's run 150-250 frames deep at most in practice), bounded in size. */
  static final int MAX_DEPTH = 128;

  final String label;
  final long atMillis;
  /** The dump itself: ThreadInfo is immutable. */
  final ThreadInfo[] threads;
  /** CPU time of each thread in {@link #threads}, same index; -1 when unknown (thread gone, or not supported). */
  private final long[] cpuNanos;

  private ThreadSnapshot(String label, long atMillis, ThreadInfo[] threads, long[] cpuNanos) {
    this.label = label;
    this.atMillis = atMillis;
    this.threads = threads;
    this.cpuNanos = cpuNanos;
  }

  /**
   * Takes one. Ownable synchronizers (ReentrantLock owners) are left out of {@code locked}: listing them walks the
   * whole heap at a safepoint; a thread parked on one still names it and its owner in {@code lock}.
   */
  static ThreadSnapshot take(ThreadMXBean mx, String label) {
    long at = System.currentTimeMillis();
    ThreadInfo[] dump = mx.dumpAllThreads(mx.isObjectMonitorUsageSupported(), false, MAX_DEPTH);
    long[] cpu = new long[dump.length];
    boolean cpuKnown = mx.isThreadCpuTimeSupported() && mx.isThreadCpuTimeEnabled();
    for (int i = 0; i < dump.length; i++) {
      cpu[i] = cpuKnown && dump[i] != null ? mx.getThreadCpuTime(dump[i].getThreadId()) : -1;
    }
    return new ThreadSnapshot(label, at, dump, cpu);
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
      m.put("cpu_ns", cpuNanos[i]);
      m.put("agent", isAgent(t));
      m.put("lock", t.getLockInfo() == null ? null : lockName(t.getLockInfo()));
      m.put("lock_owner_id", t.getLockOwnerId() >= 0 ? t.getLockOwnerId() : null);
      List<String> locked = new ArrayList<>();
      for (MonitorInfo mi : t.getLockedMonitors()) {
        locked.add(lockName(mi));
      }
      m.put("locked", locked);
      m.put("in_native", t.isInNative());
      List<String> stack = new ArrayList<>();
      for (StackTraceElement e : t.getStackTrace()) {
        stack.add(FrameNames.of(e));
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
