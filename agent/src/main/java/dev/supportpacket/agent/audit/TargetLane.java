package dev.supportpacket.agent.audit;

import dev.supportpacket.agent.boot.Daemon;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One lane of a target (see {@link AuditTarget#laneOf}): its queue and sender thread. {@link #submit} never blocks: at most {@code capacity} records wait (queued
 * or taken but not yet written); beyond that they are dropped and counted. The sender thread is started on demand and
 * ends once everything is written, so nothing of ours runs while idle. While the target fails it stays, asleep
 * between attempts with a doubling back-off; the first batch written after drops starts with an {@code audit.dropped}
 * record saying how many.
 */
final class TargetLane {
  static final long FIRST_RETRY_MILLIS = 200;
  static final long LAST_RETRY_MILLIS = 30_000;

  final AuditTarget target;
  private final String lane;
  private final int capacity;
  private final Semaphore room;
  private final Queue<AuditRecord> queue = new ConcurrentLinkedQueue<>();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicBoolean running = new AtomicBoolean();
  private volatile boolean failing;
  private final PrintStream err;
  private final Object changed;
  /** Taken from the queue, not yet written: owned by the sender thread. */
  private final List<AuditRecord> pending = new ArrayList<>();
  /** Wakes the sender from its back-off. */
  private final Object wake = new Object();
  private volatile Thread sender;
  /** System.nanoTime() when the write under way began; 0 when none is. */
  private volatile long writingSince;
  private volatile boolean stopRequested;

  /**
   * @param err where a failing target is reported (one line per failure streak); null for nowhere
   * @param changed notified whenever the lane may have become {@link #settled}
   */
  TargetLane(AuditTarget target, String lane, int capacity, PrintStream err, Object changed) {
    this.target = target;
    this.lane = lane;
    this.capacity = capacity;
    this.room = new Semaphore(capacity);
    this.err = err;
    this.changed = changed;
  }

  /** Queues {@code record} or counts it as dropped; never blocks, never throws. */
  void submit(AuditRecord record) {
    try {
      if (room.tryAcquire()) {
        queue.add(record);
      } else {
        dropped.incrementAndGet();
      }
      if (running.compareAndSet(false, true)) {
        sender = Daemon.start(AuditLog.THREAD + "-" + target.name(), this::send);
      }
    } catch (Throwable t) {
      // Auditing must never break a trigger: at worst this record is lost.
      dropped.incrementAndGet();
    }
  }

  /**
   * Everything submitted so far was offered to the target once: written, or waiting because the target is down (a
   * target that is down must not hold up whoever waits for the record).
   */
  boolean settled() {
    return failing || (!running.get() && queue.isEmpty());
  }

  /** Everything submitted so far is written (a failing lane is not). */
  boolean written() {
    return !running.get() && queue.isEmpty();
  }

  /** Nothing queued, nothing running, nothing to report: the lane may be forgotten. */
  boolean idle() {
    return written() && dropped.get() == 0 && !failing;
  }

  long dropped() {
    return dropped.get();
  }

  /** Ends the back-off at once: the JVM is exiting and this is the last chance. */
  void retryNow() {
    synchronized (wake) {
      wake.notifyAll();
    }
  }

  /**
   * Interrupts the sender when its current write began more than {@code maxMillis} ago: a file channel is
   * interruptible, so a write or lock wait that hangs ends with an exception and the records are tried again later.
   */
  boolean stopIfWritingLongerThan(long maxMillis) {
    long since = writingSince;
    Thread t = sender;
    if (since == 0 || t == null || System.nanoTime() - since < TimeUnit.MILLISECONDS.toNanos(maxMillis)) {
      return false;
    }
    stopRequested = true;
    t.interrupt();
    return true;
  }

  @Override
  public String toString() {
    return target.name() + (lane.isEmpty() ? "" : " (" + lane + ")");
  }

  private void send() {
    long retry = FIRST_RETRY_MILLIS;
    while (true) {
      for (AuditRecord r; (r = queue.poll()) != null; ) {
        pending.add(r);
      }
      long lost = dropped.get();
      if (pending.isEmpty() && lost == 0) {
        running.set(false);
        notifyChanged();
        // A record queued after the poll but before the flag fell found the flag still up: take it over.
        if (queue.isEmpty() || !running.compareAndSet(false, true)) {
          return;
        }
        continue;
      }
      if (attempt(lost)) {
        retry = FIRST_RETRY_MILLIS;
        continue;
      }
      try {
        synchronized (wake) {
          wake.wait(retry);
        }
      } catch (InterruptedException e) {
        // a stop that came after its write failed anyway: go on with the back-off
      }
      retry = Math.min(retry * 2, LAST_RETRY_MILLIS);
    }
  }

  /** One try at writing {@code pending}, behind an {@code audit.dropped} record when {@code lost > 0}. */
  private boolean attempt(long lost) {
    List<AuditRecord> batch = new ArrayList<>(pending.size() + 1);
    if (lost > 0) {
      batch.add(AuditRecord.ofAgent(AuditRecord.DROPPED).status(AuditRecord.Status.FAILED)
          .level(AuditRecord.Level.WARN).meta("dropped", lost).meta("target", target.name())
          .meta("reason", "the target's queue (" + capacity + " records) was full").build());
    }
    batch.addAll(pending);
    try {
      writingSince = System.nanoTime();
      target.write(batch);
      dropped.addAndGet(-lost);
      room.release(pending.size());
      pending.clear();
      if (failing && err != null) {
        err.println("support-packet: audit target " + this + " is back; " + batch.size() + " records written");
      }
      failing = false;
      return true;
    } catch (Throwable t) {
      if (stopRequested && err != null) {
        err.println("support-packet: audit target " + this + ": a write was stopped after it overran its deadline ("
            + t + "); its records wait, up to " + capacity + ", and it is tried again");
      } else if (!failing && err != null) {
        err.println("support-packet: audit target " + this + " failed (" + t + "); its records wait, up to "
            + capacity + ", and it is tried again");
      }
      failing = true;
      notifyChanged();
      return false;
    } finally {
      writingSince = 0;
      stopRequested = false;
      Thread.interrupted(); // a stop that came late must not cut the next write
      target.close();
    }
  }

  private void notifyChanged() {
    synchronized (changed) {
      changed.notifyAll();
    }
  }
}
