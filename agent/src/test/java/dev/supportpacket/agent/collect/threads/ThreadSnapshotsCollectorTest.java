package dev.supportpacket.agent.collect.threads;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.supportpacket.agent.collect.CollectContext;
import dev.supportpacket.agent.collect.Progress;
import dev.supportpacket.agent.options.PacketOptions;
import dev.supportpacket.agent.packet.MemorySink;
import dev.supportpacket.agent.packet.Packet;
import dev.supportpacket.agent.sanitize.Sanitizer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Snapshots into an in-memory packet, in this test JVM, with a thread burning CPU and one blocked on its owner. */
class ThreadSnapshotsCollectorTest {
  @TempDir Path scratch;
  private final MemorySink sink = new MemorySink();
  private final Packet packet = new Packet(Sanitizer.withRandomKey(), sink);
  private volatile boolean stop;
  private Thread burner;
  private Thread holder;
  private Thread waiter;

  @AfterEach
  void stopThreads() throws InterruptedException {
    stop = true;
    for (Thread t : new Thread[] {burner, holder, waiter}) {
      if (t != null) {
        t.interrupt();
        t.join(5_000);
      }
    }
  }

  @Test
  void showTheBurnersCpuGrowthAndWhoHoldsTheLockOthersWaitFor() throws Exception {
    burner = daemon("invoice-recalculation", () -> {
      double x = 0;
      while (!stop) {
        x += Math.sqrt(x + 1);
      }
    });
    Object ledger = new Object();
    CountDownLatch held = new CountDownLatch(1);
    holder = daemon("ledger-writer token=Planted-Secret-Token-77", () -> {
      synchronized (ledger) {
        held.countDown();
        sleepQuietly();
      }
    });
    held.await();
    waiter = daemon("ledger-reader", () -> {
      synchronized (ledger) {
        stop = stop || false;
      }
    });
    // Blocked before the first snapshot, which is also the thread dump (a loaded machine starts threads slowly).
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (waiter.getState() != Thread.State.BLOCKED && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    PacketOptions options = PacketOptions.builder().profileDuration(Duration.ofSeconds(1)).build();
    new ThreadSnapshotsCollector().collect(new CollectContext(options, scratch, Progress.NONE), packet);

    String text = sink.text("threads/snapshots.json");
    assertFalse(text.contains("Planted-Secret-Token-77"), "thread names pass the sanitizer");
    JsonNode json = new ObjectMapper().readTree(text);
    assertEquals(1, json.get("version").asInt());
    JsonNode snaps = json.get("snapshots");
    assertEquals(3, snaps.size());
    assertEquals("start", snaps.get(0).get("label").asText());
    assertEquals("end", snaps.get(2).get("label").asText());
    long span = snaps.get(2).get("at_ms").asLong() - snaps.get(0).get("at_ms").asLong();
    assertTrue(span >= 900, "the snapshots span the window: " + span);

    long cpuStart = thread(snaps.get(0), burner.getId()).get("cpu_ns").asLong();
    long cpuEnd = thread(snaps.get(2), burner.getId()).get("cpu_ns").asLong();
    // How much of a core a loaded machine gives the burner varies (54 ms in 1 s seen at load 20): it grew, that is all.
    assertTrue(cpuEnd > cpuStart, "burner used CPU in the window: " + (cpuEnd - cpuStart));
    JsonNode burning = thread(snaps.get(2), burner.getId());
    assertEquals("RUNNABLE", burning.get("state").asText());
    assertTrue(burning.get("stack").get(0).asText().contains("ThreadSnapshotsCollectorTest"), burning.toString());

    JsonNode w = thread(snaps.get(2), waiter.getId());
    assertEquals("BLOCKED", w.get("state").asText());
    assertEquals(holder.getId(), w.get("lock_owner_id").asLong());
    String lock = w.get("lock").asText();
    assertTrue(lock.matches("java\\.lang\\.Object@[0-9a-f]+"), lock);
    // The first snapshot is the packet's thread dump, with the monitors each thread holds; the later ones are
    // light (a shorter pause): they say who waits for what and its owner, not every monitor held.
    JsonNode h = thread(snaps.get(0), holder.getId());
    assertEquals(lock, h.get("locked").get(0).asText(), "the owner lists the same lock");
    assertTrue(h.get("name").asText().startsWith("ledger-writer"));
    assertTrue(thread(snaps.get(1), holder.getId()).get("locked").isNull(), "not asked in a light snapshot");
    assertTrue(thread(snaps.get(2), holder.getId()).get("locked").isNull(), "not asked in a light snapshot");
    String dump = sink.text("threads/threads.txt");
    assertTrue(dump.contains("\"ledger-reader\" #" + waiter.getId()) && dump.contains("waiting to lock"), dump);
    assertFalse(dump.contains("Planted-Secret-Token-77"), "the thread dump passes the sanitizer");
    assertTrue(json.get("deadlocks").isEmpty());
    assertTrue(thread(snaps.get(2), Thread.currentThread().getId()).get("stack").size()
        <= ThreadSnapshot.MAX_DEPTH);
  }

  @Test
  void aDeadlockIsInTheLastSnapshotWithBothOwners() throws Exception {
    // ReentrantLocks taken interruptibly, so that the test can end the deadlock (other tests share this JVM).
    ReentrantLock stock = new ReentrantLock();
    ReentrantLock orders = new ReentrantLock();
    CountDownLatch bothHeld = new CountDownLatch(2);
    holder = daemon("stock-reserver", () -> lockBoth(stock, orders, bothHeld));
    waiter = daemon("order-committer", () -> lockBoth(orders, stock, bothHeld));
    bothHeld.await();
    // Holding the first locks is not yet a deadlock: each thread must also be parked on the other's lock before
    // the first snapshot (the packet's thread dump) is taken, or that dump rightly shows none.
    ThreadMXBean jvm = ManagementFactory.getThreadMXBean();
    await().atMost(Duration.ofSeconds(10)).until(() -> jvm.findDeadlockedThreads() != null);
    PacketOptions options = PacketOptions.builder().profileDuration(Duration.ofSeconds(1)).build();
    new ThreadSnapshotsCollector().collect(new CollectContext(options, scratch, Progress.NONE), packet);

    JsonNode json = new ObjectMapper().readTree(sink.text("threads/snapshots.json"));
    JsonNode deadlocks = json.get("deadlocks");
    assertEquals(1, deadlocks.size(), deadlocks.toString());
    assertEquals(Set.of(holder.getId(), waiter.getId()),
        Set.of(deadlocks.get(0).get(0).asLong(), deadlocks.get(0).get(1).asLong()));
    JsonNode end = json.get("snapshots").get(2);
    assertEquals(waiter.getId(), thread(end, holder.getId()).get("lock_owner_id").asLong());
    assertEquals(holder.getId(), thread(end, waiter.getId()).get("lock_owner_id").asLong());
    assertTrue(sink.text("threads/threads.txt").contains("DEADLOCK: 2 threads are deadlocked"));
  }

  private static void lockBoth(ReentrantLock first, ReentrantLock second, CountDownLatch bothHeld) {
    try {
      first.lockInterruptibly();
      try {
        bothHeld.countDown();
        bothHeld.await();
        second.lockInterruptibly();
        second.unlock();
      } finally {
        first.unlock();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static JsonNode thread(JsonNode snapshot, long id) {
    for (JsonNode t : snapshot.get("threads")) {
      if (t.get("id").asLong() == id) {
        return t;
      }
    }
    throw new AssertionError("no thread " + id + " in " + snapshot.get("label"));
  }

  private static Thread daemon(String name, Runnable r) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static void sleepQuietly() {
    try {
      Thread.sleep(60_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
