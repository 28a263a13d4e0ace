package dev.supportpacket.agent.findings.model;

import java.util.List;

/** One thread in one snapshot. Unknown numbers are -1, unknown text "". */
public final class ThreadSample {
  public final long id;
  public final String name;
  /** {@code Thread.State} name: RUNNABLE, BLOCKED, WAITING, TIMED_WAITING, NEW, TERMINATED. */
  public final String state;
  public final boolean daemon;
  /** CPU time of the thread since it started, in ns; -1 when unknown. */
  public final long cpuNs;
  /** One of the packet agent's own threads. */
  public final boolean agent;
  /** The lock waited for ("java.lang.Object@1b2c3d"), "" when none. */
  public final String lock;
  public final long lockOwnerId;
  public final List<String> locked;
  public final boolean inNative;
  /** Normalized frames, top first. */
  public final List<String> stack;

  public ThreadSample(long id, String name, String state, boolean daemon, long cpuNs, boolean agent, String lock,
      long lockOwnerId, List<String> locked, boolean inNative, List<String> stack) {
    this.id = id;
    this.name = name == null ? "" : name;
    this.state = state == null || state.isEmpty() ? "UNKNOWN" : state;
    this.daemon = daemon;
    this.cpuNs = cpuNs;
    this.agent = agent || this.name.startsWith("support-packet");
    this.lock = lock == null ? "" : lock;
    this.lockOwnerId = lockOwnerId;
    this.locked = List.copyOf(locked);
    this.inNative = inNative;
    this.stack = List.copyOf(stack);
  }

  /** The top frame, "" for a thread without stack. */
  public String top() {
    return stack.isEmpty() ? "" : stack.get(0);
  }
}
