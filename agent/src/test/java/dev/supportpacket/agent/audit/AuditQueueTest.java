package dev.supportpacket.agent.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AuditQueueTest {
  /** A target that blocks until released: the application must not notice. */
  static final class BlockingTarget implements AuditTarget {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final List<AuditRecord> got = Collections.synchronizedList(new ArrayList<>());

    @Override
    public String name() {
      return "blocking";
    }

    @Override
    public boolean accepts(AuditRecord.Level level) {
      return true;
    }

    @Override
    public void write(List<AuditRecord> batch) throws java.io.IOException {
      entered.countDown();
      try {
        release.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        throw new java.io.IOException(e);
      }
      got.addAll(batch);
    }
  }

  @Test
  void aFullQueueDropsWithoutBlockingAndLaterSaysHowManyWereDropped() throws Exception {
    BlockingTarget target = new BlockingTarget();
    AuditLog log = new AuditLog(List.of(target), 3, null);
    log.submit(AuditRecord.builder("first").build());
    assertTrue(target.entered.await(30, TimeUnit.SECONDS), "the drain thread took the first record");
    long start = System.nanoTime();
    for (int i = 0; i < 10; i++) {
      log.submit(AuditRecord.builder("more").build());
    }
    assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "submit never waits for the target");
    assertEquals(8, log.droppedSoFar(), "3 wait in all, the one being written included: 8 dropped");
    target.release.countDown();
    assertTrue(log.awaitIdle(30_000));
    List<String> events = new ArrayList<>();
    target.got.forEach(r -> events.add(r.event()));
    assertEquals(List.of("first", AuditRecord.DROPPED, "more", "more"), events, "the gap is told before what follows");
    AuditRecord dropped = target.got.get(1);
    assertEquals(8L, dropped.meta().get("dropped"));
    assertEquals(AuditRecord.Level.WARN, dropped.level());
  }

  @Test
  void theDrainThreadEndsWhenTheQueueIsEmpty() throws Exception {
    AuditLog log = new AuditLog(List.of(new AuditFileTest.RecordingTarget(new ArrayList<>(),
        EnumSet.allOf(AuditRecord.Level.class))), 10, null);
    log.submit(AuditRecord.builder("x").build());
    assertTrue(log.awaitIdle(30_000));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (auditThreads() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(0, auditThreads(), "no audit thread left while idle");
  }

  /** Writes to one "file" per record (its meta dir); the file "full" hangs until released, as a full disk's would. */
  static final class PerFileTarget implements AuditTarget {
    final CountDownLatch fullEntered = new CountDownLatch(1);
    final CountDownLatch fullFreed = new CountDownLatch(1);
    final List<String> written = Collections.synchronizedList(new ArrayList<>());
    volatile int interrupted;

    @Override
    public String name() {
      return "files";
    }

    @Override
    public boolean accepts(AuditRecord.Level level) {
      return true;
    }

    @Override
    public String laneOf(AuditRecord r) {
      return String.valueOf(r.meta().get("dir"));
    }

    @Override
    public void write(List<AuditRecord> batch) throws java.io.IOException {
      for (AuditRecord r : batch) {
        if ("full".equals(r.meta().get("dir"))) {
          fullEntered.countDown();
          try {
            fullFreed.await(60, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            interrupted++;
            throw new java.io.InterruptedIOException("stopped");
          }
        }
        written.add(r.meta().get("dir") + ":" + r.event());
      }
    }
  }

  @Test
  void aFileThatHangsHoldsBackOnlyItsOwnRecords() throws Exception {
    PerFileTarget target = new PerFileTarget();
    AuditLog log = new AuditLog(List.of(target), 10, null);
    log.submit(AuditRecord.builder("a").meta("dir", "full").build());
    assertTrue(target.fullEntered.await(30, TimeUnit.SECONDS));
    log.submit(AuditRecord.builder("b").meta("dir", "healthy").build());
    log.submit(AuditRecord.builder("c").meta("dir", "healthy").build());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (target.written.size() < 2 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(List.of("healthy:b", "healthy:c"), target.written, "written while the other file hangs");
    target.fullFreed.countDown();
    assertTrue(log.awaitIdle(30_000));
    assertEquals(List.of("healthy:b", "healthy:c", "full:a"), target.written);
  }

  @Test
  void aWriteThatOverrunsItsDeadlineIsStoppedAndTriedAgain() throws Exception {
    PerFileTarget target = new PerFileTarget();
    AuditLog log = new AuditLog(List.of(target), 10, null);
    log.submit(AuditRecord.builder("a").meta("dir", "full").build());
    assertTrue(target.fullEntered.await(30, TimeUnit.SECONDS));
    assertFalse(log.awaitIdle(300), "the write hangs");
    assertEquals(List.of("files (full)"), log.stopOverrunning(100));
    assertTrue(log.awaitIdle(30_000), "a stopped write counts as failed: it no longer holds up whoever waits");
    assertEquals(1, target.interrupted, "the hanging write was stopped");
    target.fullFreed.countDown();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (target.written.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(List.of("full:a"), target.written, "tried again after the back-off");
  }

  private static long auditThreads() {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(AuditLog.THREAD_NAME + "-recording")).count();
  }
}
