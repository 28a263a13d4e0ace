package dev.supportpacket.agent.collect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.supportpacket.agent.boot.Daemon;
import dev.supportpacket.agent.options.PacketOptions;
import dev.supportpacket.agent.packet.MemorySink;
import dev.supportpacket.agent.packet.Packet;
import dev.supportpacket.agent.report.Outcome;
import dev.supportpacket.agent.sanitize.Sanitizer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CollectorRunnerTest {

  @Test
  void everyOutcomeIsRecordedAndAnOverrunIsCancelled(@TempDir Path scratch) throws Exception {
    Collector ok = collector("ok", (ctx, p) -> p.addText("ok.txt", w -> w.write("fine\n")));
    Collector broken = collector("broken", (ctx, p) -> {
      throw new IllegalStateException("boom");
    });
    Collector empty = collector("empty", (ctx, p) -> {
      throw new Collector.Skipped("nothing here");
    });
    Thread[] sleeper = new Thread[1];
    Collector slow = new TestCollector("slow", (ctx, p) -> {
      sleeper[0] = Thread.currentThread();
      Thread.sleep(60_000);
    }) {
      @Override
      public Duration timeout(PacketOptions o) {
        return Duration.ofMillis(300);
      }
    };
    Collector off = new TestCollector("off", (ctx, p) -> {}) {
      @Override
      public Optional<String> offReason(PacketOptions o) {
        return Optional.of("not requested");
      }
    };
    MemorySink sink = new MemorySink();
    List<Outcome> outcomes = new CollectorRunner().run(List.of(ok, broken, empty, slow, off),
        new CollectContext(PacketOptions.builder().build(), scratch, Progress.NONE),
        new Packet(Sanitizer.withRandomKey(), sink));
    assertEquals(List.of(Outcome.Status.OK, Outcome.Status.FAILED, Outcome.Status.SKIPPED, Outcome.Status.FAILED,
        Outcome.Status.OFF), outcomes.stream().map(o -> o.status).collect(java.util.stream.Collectors.toList()));
    assertEquals("IllegalStateException: boom", outcomes.get(1).reason);
    assertEquals("nothing here", outcomes.get(2).reason);
    assertTrue(outcomes.get(3).reason.startsWith("timed out"), outcomes.get(3).reason);
    sleeper[0].join(5000);
    assertTrue(!sleeper[0].isAlive(), "the overrunning collector was interrupted");
    assertTrue(sleeper[0].getName().startsWith(Daemon.THREAD_PREFIX));
  }

  @Test
  void collectorsStartAtOnceAndWriteOnlyOnceTheSecretsAreLearned(@TempDir Path scratch) throws Exception {
    String secret = "planted-S3cret-for-the-gate";
    CountDownLatch started = new CountDownLatch(1);
    Collector early = collector("early", (ctx, p) -> {
      started.countDown();
      p.addText("early.txt", w -> w.write("the app said " + secret + "\n"));
    });
    Sanitizer sanitizer = Sanitizer.withRandomKey();
    MemorySink sink = new MemorySink();
    Packet packet = Packet.heldUntilOpened(sanitizer, sink, Long.MAX_VALUE);
    List<Outcome> outcomes = new CollectorRunner().run(List.of(early), context(scratch), packet, () -> {
      try {
        assertTrue(started.await(10, TimeUnit.SECONDS), "the collector started before the learning ended");
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
      sanitizer.learnLiteral(secret);
      packet.open();
    });
    assertEquals(Outcome.Status.OK, outcomes.get(0).status, () -> outcomes.get(0).reason);
    String text = sink.text("early.txt");
    assertTrue(text.startsWith("the app said [REDACTED:"), text);
  }

  @Test
  void aFailureWhileLearningCancelsTheCollectorsAndWritesNothing(@TempDir Path scratch) throws Exception {
    Thread[] writer = new Thread[1];
    CountDownLatch started = new CountDownLatch(1);
    Collector held = collector("held", (ctx, p) -> {
      writer[0] = Thread.currentThread();
      started.countDown();
      p.addText("held.txt", w -> w.write("never\n"));
    });
    MemorySink sink = new MemorySink();
    Packet packet = Packet.heldUntilOpened(Sanitizer.withRandomKey(), sink, Long.MAX_VALUE);
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> new CollectorRunner().run(List.of(held), context(scratch), packet, () -> {
          try {
            started.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException ie) {
            throw new AssertionError(ie);
          }
          throw new IllegalStateException("cannot learn");
        }));
    assertEquals("cannot learn", e.getMessage());
    writer[0].join(10_000);
    assertTrue(!writer[0].isAlive(), "the collector waiting to write was interrupted");
    assertTrue(sink.entries().isEmpty(), () -> sink.entries().keySet().toString());
  }

  private static CollectContext context(Path scratch) {
    return new CollectContext(PacketOptions.builder().build(), scratch, Progress.NONE);
  }

  interface Body {
    void run(CollectContext ctx, Packet p) throws Exception;
  }

  private static Collector collector(String id, Body body) {
    return new TestCollector(id, body);
  }

  private static class TestCollector implements Collector {
    private final String id;
    private final Body body;

    TestCollector(String id, Body body) {
      this.id = id;
      this.body = body;
    }

    @Override
    public String id() {
      return id;
    }

    @Override
    public void collect(CollectContext ctx, Packet packet) throws Exception {
      body.run(ctx, packet);
    }
  }
}
