package dev.supportpacket.agent.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

  private static long auditThreads() {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(AuditLog.THREAD_NAME + "-recording")).count();
  }
}
