package dev.supportpacket.agent.collect.threads;

import dev.supportpacket.agent.boot.Daemon;
import dev.supportpacket.agent.collect.FrameNames;
import java.lang.management.LockInfo;
import java.lang.management.MonitorInfo;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every live thread at one moment: state, CPU time used so far, the lock it waits for and its owner, the monitors it
 * holds (in a {@linkplain #full full} snapshot only), and its stack. Two snapshots give each thread's CPU in between.
 * Immutable.
 *
 * <p>A dump of all threads stops the application at a safepoint (HotSpot's {@code VM_ThreadDump}, on JDK 17 and 25
 * alike), for as long as the slowest busy thread takes to reach it plus the walk of every stack. The CPU times are
 * read after it, thread by thread, without stopping anyone.
 */
final class ThreadSnapshot {
  /**
   * Frames of a stack in {@code threads/snapshots.json}: deep enough for framework stacks (Spring's run 150-250
   * frames deep at most in practice), bounded in size. {@code threads/threads.txt} has whole stacks.
   */
  static final int MAX_DEPTH = 128;
  /**
   * From JDK 21 on, {@link Thread#getStackTrace} of another thread is a handshake with that thread alone (it came
   * with JDK 19's virtual threads), not a safepoint as on JDK 17. Measured on JDK 25 with 62 threads: 67 handshakes
   * a snapshot, all but the busy threads' done by the asking thread without stopping theirs, and no safepoint.
   */
  private static final boolean STACKS_BY_HANDSHAKE = Runtime.version().feature() >= 21;

  final String label;
  final long atMillis;
  /** The threads; ThreadInfo is immutable. A light snapshot's have no stacks: see {@link #stacks}. */
  final ThreadInfo[] threads;
  /** Whether {@link #threads} have whole stacks and list the monitors each holds. */
  final boolean full;
  /** The stack of each thread in {@link #threads}, same index. */
  private final StackTraceElement[][] stacks;
  /** CPU time of each thread in {@link #threads}, same index; -1 when unknown (thread gone, or not supported). */
  private final long[] cpuNanos;

  private ThreadSnapshot(String label, long atMillis, ThreadInfo[] threads, boolean full,
      StackTraceElement[][] stacks, long[] cpuNanos) {
    this.label = label;
    this.atMillis = atMillis;
    this.threads = threads;
    this.full = full;
    this.stacks = stacks;
    this.cpuNanos = cpuNanos;
  }

  /**
   * The packet's thread dump: whole stacks and the monitors each thread holds, at one safepoint. Ownable
   * synchronizers (ReentrantLock owners) are left out: listing them walks the whole heap at a safepoint (measured
   * 300-475 ms on a 300 MB heap); a thread parked on one still names it and its owner.
   */
  static ThreadSnapshot full(ThreadMXBean mx, String label) {
    long at = System.currentTimeMillis();
    return of(mx, label, at, true, mx.dumpAllThreads(mx.isObjectMonitorUsageSupported(), false));
  }

  /**
   * A lighter one, for the snapshots after the first: the monitors held are not listed (the rules need who waits
   * for what and its owner, which every snapshot has) and stacks stop at {@link #MAX_DEPTH} frames. From JDK 21 on it
   * stops no one but the threads that are running, each for its own stack: thread by thread, the stack (a handshake)
   * and right after it the state and lock (read without stopping it). On JDK 17 it is one dump at a safepoint, as
   * short as it can be.
   */
  static ThreadSnapshot light(ThreadMXBean mx, String label) {
    long at = System.currentTimeMillis();
    if (!STACKS_BY_HANDSHAKE) {
      return of(mx, label, at, false, mx.dumpAllThreads(false, false, MAX_DEPTH));
    }
    List<ThreadInfo> infos = new ArrayList<>();
    List<StackTraceElement[]> stacks = new ArrayList<>();
    for (Thread t : liveThreads()) {
      StackTraceElement[] stack = t.getStackTrace();
      ThreadInfo info = mx.getThreadInfo(t.getId(), 0);
      if (info != null) {
        infos.add(info);
        stacks.add(stack);
      }
    }
    ThreadInfo[] threads = infos.toArray(new ThreadInfo[0]);
    StackTraceElement[][] stackArray = stacks.toArray(new StackTraceElement[0][]);
    reReadCycles(mx, threads, stackArray);
    return of(mx, label, at, false, threads, stackArray);
  }

  /**
   * Threads read one after another may seem to wait for each other in a cycle that never was at one moment (A read
   * waiting for B, B read a little later waiting for A, which by then has its lock): a false deadlock. So the
   * threads of a cycle are read again together, at one safepoint: a real deadlock stays, and the pause is paid only
   * when the application is likely stuck already.
   */
  private static void reReadCycles(ThreadMXBean mx, ThreadInfo[] threads, StackTraceElement[][] stacks) {
    long[] suspects = Deadlocks.in(threads);
    if (suspects.length == 0) {
      return;
    }
    ThreadInfo[] again = mx.getThreadInfo(suspects, MAX_DEPTH);
    for (int i = 0; i < threads.length; i++) {
      for (ThreadInfo a : again) {
        if (a != null && a.getThreadId() == threads[i].getThreadId()) {
          threads[i] = a;
          stacks[i] = a.getStackTrace();
        }
      }
    }
  }

  private static ThreadSnapshot of(ThreadMXBean mx, String label, long at, boolean full, ThreadInfo[] dump) {
    StackTraceElement[][] stacks = new StackTraceElement[dump.length][];
    for (int i = 0; i < dump.length; i++) {
      stacks[i] = dump[i] == null ? new StackTraceElement[0] : dump[i].getStackTrace();
    }
    return of(mx, label, at, full, dump, stacks);
  }

  private static ThreadSnapshot of(ThreadMXBean mx, String label, long at, boolean full, ThreadInfo[] threads,
      StackTraceElement[][] stacks) {
    long[] cpu = new long[threads.length];
    boolean cpuKnown = mx.isThreadCpuTimeSupported() && mx.isThreadCpuTimeEnabled();
    for (int i = 0; i < threads.length; i++) {
      cpu[i] = cpuKnown && threads[i] != null ? mx.getThreadCpuTime(threads[i].getThreadId()) : -1;
    }
    return new ThreadSnapshot(label, at, threads, full, stacks, cpu);
  }

  /** The live platform threads, from the root thread group (which asks the JVM's list; no safepoint). */
  private static List<Thread> liveThreads() {
    ThreadGroup root = Thread.currentThread().getThreadGroup();
    while (root.getParent() != null) {
      root = root.getParent();
    }
    Thread[] all = new Thread[root.activeCount() + 16];
    int n = root.enumerate(all, true);
    while (n == all.length) {
      all = new Thread[all.length * 2];
      n = root.enumerate(all, true);
    }
    return Arrays.asList(all).subList(0, n);
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
      StackTraceElement[] frames = stacks[i];
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
