package dev.supportpacket.agent.audit;

import dev.supportpacket.agent.boot.Daemon;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One target's queue and sender thread. {@link #submit} never blocks: at most {@code capacity} records wait (queued
 * or taken but not yet written); beyond that they are dropped and counted. The sender thread is started on demand and
 * ends once everything is written, so nothing of ours runs while idle. While the target fails it stays, asleep
 * between attempts with a doubling back-off; the first batch written after drops starts with an {@code audit.dropped}
 * record saying how many.
 */
final class TargetLane {
  static final long FIRST_RETRY_MILLIS = 200;
  static final long LAST_RETRY_MILLIS = 30_000;

  final AuditTarget target;
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

  /**
   * @param err where a failing target is reported (one line per failure streak); null for nowhere
   * @param changed notified whenever the lane may have become {@link #settled}
   */
  TargetLane(AuditTarget target, int capacity, PrintStream err, Object changed) {
    this.target = target;
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
        Daemon.start(AuditLog.THREAD + "-" + target.name(), this::send);
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

  long dropped() {
    return dropped.get();
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
        Thread.sleep(retry);
      } catch (InterruptedException e) {
        running.set(false); // only at JVM shutdown; the records stay unwritten
        return;
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
      target.write(batch);
      dropped.addAndGet(-lost);
      room.release(pending.size());
      pending.clear();
      if (failing && err != null) {
        err.println("support-packet: audit target " + target.name() + " is back; " + batch.size() + " records written");
      }
      failing = false;
      return true;
    } catch (Throwable t) {
      if (!failing && err != null) {
        err.println("support-packet: audit target " + target.name() + " failed (" + t + "); its records wait, up to "
            + capacity + ", and it is tried again");
      }
      failing = true;
      notifyChanged();
      return false;
    } finally {
      target.close();
    }
  }

  private void notifyChanged() {
    synchronized (changed) {
      changed.notifyAll();
    }
  }
}
