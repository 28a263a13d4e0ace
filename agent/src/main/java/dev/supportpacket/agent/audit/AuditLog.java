package dev.supportpacket.agent.audit;

import dev.supportpacket.agent.boot.Daemon;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Sends records to the targets without ever blocking the caller: {@link #submit} only offers each record to the
 * bounded queue of every target that takes its level ({@link TargetLane}), so a slow or unreachable target never
 * delays the others, nor the application. Sender threads are daemons named {@code support-packet-audit-<target>}.
 *
 * <p>Records about the log's own integrity go to a target whatever its levels: a gap ({@code audit.dropped}) and the
 * seals of chained files (copied to the off-host targets) are what make a missing or rewritten record evident.
 */
public final class AuditLog {
  /** Sender threads are named {@code support-packet-audit-<target>}. */
  static final String THREAD = "audit";
  public static final String THREAD_NAME = Daemon.THREAD_PREFIX + THREAD;
  static final int DEFAULT_CAPACITY = 1000;

  private final List<TargetLane> lanes = new ArrayList<>();
  private final Object changed = new Object();

  /** @param err where a failing target is reported (one line per failure streak); null for nowhere */
  public AuditLog(List<AuditTarget> targets, int capacity, PrintStream err) {
    for (AuditTarget t : targets) {
      lanes.add(new TargetLane(t, Math.max(1, capacity), err, changed));
    }
    for (TargetLane lane : lanes) {
      lane.target.forwardSealsTo(this::copyOffHost);
    }
  }

  /** Queues {@code record} for every target that takes its level; never blocks, never throws. */
  public void submit(AuditRecord record) {
    for (TargetLane lane : lanes) {
      if (lane.target.accepts(record.level())) {
        lane.submit(record);
      }
    }
  }

  private void copyOffHost(AuditRecord seal) {
    for (TargetLane lane : lanes) {
      if (lane.target.offHost()) {
        lane.submit(seal);
      }
    }
  }

  /**
   * Waits until everything submitted so far was offered to every target once, or {@code timeoutMillis} passed. A
   * target that is down does not hold this up: its records wait in its queue.
   *
   * @return true when all targets settled in time
   */
  public boolean awaitIdle(long timeoutMillis) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    synchronized (changed) {
      while (!lanes.stream().allMatch(TargetLane::settled)) {
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

  /** Records dropped, over all targets, and not yet reported in an {@code audit.dropped} record. */
  public long droppedSoFar() {
    return lanes.stream().mapToLong(TargetLane::dropped).sum();
  }
}
