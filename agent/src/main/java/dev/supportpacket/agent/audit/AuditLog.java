package dev.supportpacket.agent.audit;

import dev.supportpacket.agent.AppIdentity;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends records to the targets without ever blocking the caller: {@link #submit} only offers to a bounded queue; a
 * daemon thread {@code support-packet-audit} drains it and ends as soon as the queue is empty, so no thread of ours
 * stays behind while idle. When the queue is full a record is dropped and counted; the next batch written carries an
 * {@code audit.dropped} record saying how many.
 *
 * <p>A target that fails keeps its records in its own backlog (up to the queue's capacity; beyond that they are
 * dropped and counted) and is tried again with the next batch. There is no retry timer: that would be a thread
 * running while idle. Remote targets, when they come, will want one.
 */
public final class AuditLog {
  public static final String THREAD_NAME = "support-packet-audit";
  static final int DEFAULT_CAPACITY = 1000;

  private final List<AuditTarget> targets;
  private final int capacity;
  private final BlockingQueue<AuditRecord> queue;
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicBoolean draining = new AtomicBoolean();
  private final Map<AuditTarget, List<AuditRecord>> backlog = new IdentityHashMap<>();
  private final PrintStream err;
  private final Object idle = new Object();

  /** @param err where a failing target is reported (one line per failure streak); null for nowhere */
  public AuditLog(List<AuditTarget> targets, int capacity, PrintStream err) {
    this.targets = List.copyOf(targets);
    this.capacity = Math.max(1, capacity);
    this.queue = new ArrayBlockingQueue<>(this.capacity);
    this.err = err;
  }

  /** Queues {@code record}; never blocks, never throws. A full queue drops it (counted). */
  public void submit(AuditRecord record) {
    try {
      if (!queue.offer(record)) {
        dropped.incrementAndGet();
      }
      if (draining.compareAndSet(false, true)) {
        Thread t = new Thread(this::drain, THREAD_NAME);
        t.setDaemon(true);
        t.start();
      }
    } catch (Throwable t) {
      // Auditing must never break a trigger: at worst this record is lost, and that shows as a gap in no chain.
      dropped.incrementAndGet();
    }
  }

  /**
   * Waits until everything submitted so far has been offered to the targets, or {@code timeoutMillis} passed.
   *
   * @return true when the queue drained in time
   */
  public boolean awaitIdle(long timeoutMillis) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    synchronized (idle) {
      while (draining.get() || !queue.isEmpty()) {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
          return false;
        }
        try {
          idle.wait(Math.min(left, 50));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
      return true;
    }
  }

  /** Records dropped and not yet reported in an {@code audit.dropped} record. */
  public long droppedSoFar() {
    return dropped.get();
  }

  private void drain() {
    while (true) {
      List<AuditRecord> batch = new ArrayList<>();
      queue.drainTo(batch);
      long lost = dropped.getAndSet(0);
      if (lost > 0) {
        batch.add(AuditRecord.builder(AuditRecord.DROPPED).status(AuditRecord.Status.FAILED)
            .level(AuditRecord.Level.WARN).user(System.getProperty("user.name"))
            .client("agent/" + AppIdentity.generatorVersion()).clientHost("localhost")
            .meta("dropped", lost).meta("reason", "the audit queue (" + capacity + " records) was full").build());
      }
      if (batch.isEmpty()) {
        draining.set(false);
        synchronized (idle) {
          idle.notifyAll();
        }
        // A record queued after drainTo but before the flag fell found the flag still up: take it over.
        if (queue.isEmpty() || !draining.compareAndSet(false, true)) {
          return;
        }
        continue;
      }
      for (AuditTarget target : targets) {
        writeTo(target, batch);
      }
    }
  }

  private void writeTo(AuditTarget target, List<AuditRecord> batch) {
    List<AuditRecord> todo = backlog.getOrDefault(target, new ArrayList<>());
    boolean failing = !todo.isEmpty();
    for (AuditRecord r : batch) {
      if (target.accepts(r.level())) {
        todo.add(r);
      }
    }
    if (todo.isEmpty()) {
      return;
    }
    try {
      target.write(todo);
      backlog.remove(target);
      if (failing && err != null) {
        err.println("support-packet: audit target " + target.name() + " is back; " + todo.size() + " records written");
      }
    } catch (Throwable t) {
      if (!failing && err != null) {
        err.println("support-packet: audit target " + target.name() + " failed (" + t + "); its records wait for"
            + " the next one, up to " + capacity);
      }
      while (todo.size() > capacity) {
        todo.remove(todo.size() - 1);
        dropped.incrementAndGet();
      }
      backlog.put(target, todo);
    } finally {
      target.close();
    }
  }
}
