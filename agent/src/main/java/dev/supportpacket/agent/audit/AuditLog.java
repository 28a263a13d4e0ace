package dev.supportpacket.agent.audit;

import dev.supportpacket.agent.boot.Daemon;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.TimeUnit;

/**
 * Sends records to the targets without ever blocking the caller: {@link #submit} only offers each record to the
 * bounded queue of its lane ({@link TargetLane}): one per target, and for the file target that writes beside each
 * packet one per file, so a slow or unreachable target, or one full disk, holds back only its own records, never the
 * others', nor the application. Sender threads are daemons named {@code support-packet-audit-<target>}.
 *
 * <p>Records about the log's own integrity go to a target whatever its levels: a gap ({@code audit.dropped}) and the
 * seals of chained files (copied to the off-host targets) are what make a missing or rewritten record evident.
 *
 * <p>When the JVM exits, a shutdown hook gives the lanes that still hold records one more try and waits for them,
 * up to {@value #EXIT_MILLIS} ms: a JVM stopped right after a packet keeps the packet's record.
 */
public final class AuditLog {
  /** Sender threads are named {@code support-packet-audit-<target>}. */
  static final String THREAD = "audit";
  public static final String THREAD_NAME = Daemon.THREAD_PREFIX + THREAD;
  static final int DEFAULT_CAPACITY = 1000;
  /** How long the JVM's exit waits for records still queued. */
  static final long EXIT_MILLIS = 2000;
  /** Idle lanes are forgotten beyond this many (one per output directory used). */
  static final int MAX_IDLE_LANES = 64;

  private final List<AuditTarget> targets;
  private final int capacity;
  private final PrintStream err;
  private final Map<String, TargetLane> lanes = new ConcurrentHashMap<>();
  private final Object changed = new Object();
  private final AtomicBoolean exitHook = new AtomicBoolean();

  /** @param err where a failing target is reported (one line per failure streak); null for nowhere */
  public AuditLog(List<AuditTarget> targets, int capacity, PrintStream err) {
    this.targets = List.copyOf(targets);
    this.capacity = Math.max(1, capacity);
    this.err = err;
    for (AuditTarget t : this.targets) {
      t.forwardSealsTo(this::copyOffHost);
    }
  }

  /** Queues {@code record} for every target that takes its level; never blocks, never throws. */
  public void submit(AuditRecord record) {
    for (AuditTarget t : targets) {
      if (t.accepts(record.level())) {
        offer(t, record);
      }
    }
  }

  private void offer(AuditTarget t, AuditRecord record) {
    try {
      registerExitHook();
      laneFor(t, t.laneOf(record)).submit(record);
    } catch (Throwable e) {
      // Auditing must never break a trigger; the lane could not even be found (its file's name failed).
      if (err != null) {
        err.println("support-packet: audit target " + t.name() + " cannot take a record (" + e + ")");
      }
    }
  }

  private TargetLane laneFor(AuditTarget t, String lane) {
    String key = t.name() + "\u0000" + lane;
    TargetLane found = lanes.get(key);
    if (found != null) {
      return found;
    }
    if (lanes.size() >= MAX_IDLE_LANES) {
      lanes.values().removeIf(TargetLane::idle);
    }
    return lanes.computeIfAbsent(key, k -> new TargetLane(t, lane, capacity, err, changed));
  }

  private void copyOffHost(AuditRecord seal) {
    for (AuditTarget t : targets) {
      if (t.offHost()) {
        offer(t, seal);
      }
    }
  }

  private void registerExitHook() {
    if (exitHook.compareAndSet(false, true)) {
      try {
        // Not started until the JVM exits; then bounded by EXIT_MILLIS.
        Runtime.getRuntime().addShutdownHook(new Thread(this::flushAtExit, THREAD_NAME + "-exit"));
      } catch (IllegalStateException e) {
        // the JVM is already exiting
      }
    }
  }

  private void flushAtExit() {
    lanes.values().forEach(TargetLane::retryNow);
    awaitIdle(EXIT_MILLIS, TargetLane::written);
  }

  /**
   * Waits until everything submitted so far was offered to every target once, or {@code timeoutMillis} passed. A
   * target that is down does not hold this up: its records wait in its queue.
   *
   * @return true when all targets settled in time
   */
  public boolean awaitIdle(long timeoutMillis) {
    return awaitIdle(timeoutMillis, TargetLane::settled);
  }

  private boolean awaitIdle(long timeoutMillis, java.util.function.Predicate<TargetLane> idle) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    synchronized (changed) {
      while (!lanes.values().stream().allMatch(idle)) {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
          return false;
        }
        try {
          changed.wait(Math.min(left, 50));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
      return true;
    }
  }

  /**
   * Stops every write that has run longer than {@code maxMillis} (a hung disk or file system): its records wait and
   * are tried again after the back-off; the target's failure is reported on stderr.
   *
   * @return the lanes stopped, as {@code target (lane)}
   */
  public List<String> stopOverrunning(long maxMillis) {
    List<String> stopped = new ArrayList<>();
    for (TargetLane lane : lanes.values()) {
      if (lane.stopIfWritingLongerThan(maxMillis)) {
        stopped.add(lane.toString());
      }
    }
    return stopped;
  }

  /** Records dropped, over all targets, and not yet reported in an {@code audit.dropped} record. */
  public long droppedSoFar() {
    return lanes.values().stream().mapToLong(TargetLane::dropped).sum();
  }
}
