package dev.supportpacket.agent.collect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.supportpacket.agent.collect.heap.HeapHistogramCollector;
import dev.supportpacket.agent.collect.jvm.EnvironmentCollector;
import dev.supportpacket.agent.collect.jvm.JvmArgumentsCollector;
import dev.supportpacket.agent.collect.jvm.RuntimeCollector;
import dev.supportpacket.agent.collect.jvm.SystemPropertiesCollector;
import dev.supportpacket.agent.collect.jvm.VmFlagsCollector;
import dev.supportpacket.agent.collect.threads.ThreadSnapshotsCollector;
import dev.supportpacket.agent.options.PacketOptions;
import dev.supportpacket.agent.packet.MemorySink;
import dev.supportpacket.agent.packet.Packet;
import dev.supportpacket.agent.sanitize.Sanitizer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each collector run into an in-memory packet, in this test JVM. */
class CollectorsIntoMemoryTest {
  @TempDir Path scratch;
  private final MemorySink sink = new MemorySink();
  private final Sanitizer sanitizer = Sanitizer.withRandomKey();
  private final Packet packet = new Packet(sanitizer, sink);
  private Thread parked;
  /** Deeper than the snapshots keep. */
  private static final int DEPTH = 150;

  private CollectContext ctx() {
    return new CollectContext(PacketOptions.builder().build(), scratch, Progress.NONE);
  }

  @AfterEach
  void stop() {
    if (parked != null) {
      parked.interrupt();
    }
  }

  @Test
  void threadDumpHasEveryFrameAndTheMonitorsHeld() throws Exception {
    CountDownLatch holding = new CountDownLatch(1);
    Object lock = new Object();
    parked = new Thread(() -> deep(DEPTH, lock, holding), "collector-test-deep");
    parked.setDaemon(true);
    parked.start();
    holding.await();
    // The thread dump is the first of the snapshots; a short window keeps the test short.
    new ThreadSnapshotsCollector().collect(new CollectContext(
        PacketOptions.builder().profileDuration(Duration.ofSeconds(1)).build(), scratch, Progress.NONE), packet);
    String dump = sink.text("threads/threads.txt");
    String thread = dump.substring(dump.indexOf("\"collector-test-deep\""));
    thread = thread.substring(0, thread.indexOf("\n\n"));
    assertTrue(thread.lines().filter(l -> l.contains(".deep(")).count() >= DEPTH,
        "complete stack, not 8 frames nor the snapshots' 128:\n" + thread);
    assertTrue(thread.contains("- locked <0x") && thread.contains("(a java.lang.Object)"), thread);
    assertTrue(dump.contains("No deadlock found."));
  }

  private static void deep(int n, Object lock, CountDownLatch holding) {
    if (n > 0) {
      deep(n - 1, lock, holding);
      return;
    }
    synchronized (lock) {
      holding.countDown();
      try {
        Thread.sleep(60_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Test
  void histogramListsStringLargestFirst() throws Exception {
    new HeapHistogramCollector().collect(ctx(), packet);
    String h = sink.text("heap/histogram.txt");
    assertTrue(h.contains(" java.lang.String "), h.substring(0, Math.min(500, h.length())));
    assertTrue(h.contains("#instances") && h.contains("#bytes"));
  }

  @Test
  void jvmEntriesAreYamlAndRedactedByKey() throws Exception {
    System.setProperty("collector.test.password", "Very-Secret-Value-1");
    try {
      new SystemPropertiesCollector().collect(ctx(), packet);
      new EnvironmentCollector().collect(ctx(), packet);
      new JvmArgumentsCollector().collect(ctx(), packet);
      new VmFlagsCollector().collect(ctx(), packet);
      new RuntimeCollector().collect(ctx(), packet);
    } finally {
      System.clearProperty("collector.test.password");
    }
    String props = sink.text("jvm/system-properties.yaml");
    assertTrue(props.contains("collector.test.password: \"[REDACTED:"), props);
    assertFalse(props.contains("Very-Secret-Value-1"));
    assertTrue(props.contains("java.version: "), "plain settings stay readable");
    assertTrue(sink.text("jvm/flags.yaml").contains("MaxHeapSize: "));
    assertTrue(sink.text("jvm/runtime.yaml").contains("heap:"));
    assertTrue(sink.text("jvm/arguments.yaml").contains("jvm_arguments:"));
    assertTrue(sink.entries().containsKey("jvm/environment.yaml"));
  }
}
