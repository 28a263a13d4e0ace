package dev.supportpacket.agent.collect.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.supportpacket.agent.collect.CollectContext;
import dev.supportpacket.agent.collect.CollectorRunner;
import dev.supportpacket.agent.collect.Progress;
import dev.supportpacket.agent.options.PacketOptions;
import dev.supportpacket.agent.packet.MemorySink;
import dev.supportpacket.agent.packet.Packet;
import dev.supportpacket.agent.report.Outcome;
import dev.supportpacket.agent.sanitize.Sanitizer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import jdk.jfr.FlightRecorder;
import jdk.jfr.RecordingState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CPU profile and the events side by side, as in a packet: one JFR recording, each its own entries. */
class PacketRecordingTest {
  @TempDir Path scratch;
  private volatile boolean stop;

  @AfterEach
  void stop() {
    stop = true;
  }

  @Test
  void theProfileAndTheEventsRunOneRecordingAndLeaveNone() throws Exception {
    Thread burner = new Thread(() -> {
      double x = 0;
      while (!stop) {
        x += Math.sqrt(x + 1);
      }
    }, "settlement-batch");
    burner.setDaemon(true);
    burner.start();
    AtomicInteger most = new AtomicInteger();
    Thread watcher = new Thread(() -> {
      while (!stop) {
        most.accumulateAndGet(running(), Math::max);
        try {
          Thread.sleep(5);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "recording-watcher");
    watcher.setDaemon(true);
    watcher.start();

    PacketRecording shared = new PacketRecording();
    MemorySink sink = new MemorySink();
    Packet packet = new Packet(Sanitizer.withRandomKey(), sink);
    PacketOptions options = PacketOptions.builder().profileDuration(Duration.ofSeconds(2)).build();
    List<Outcome> outcomes = new CollectorRunner().run(
        List.of(new CpuProfileCollector(shared), new JfrEventsCollector(shared)),
        new CollectContext(options, scratch, Progress.NONE), packet);
    stop = true;
    watcher.join(5_000);

    for (Outcome o : outcomes) {
      assertEquals(Outcome.Status.OK, o.status, o.collector + ": " + o.reason);
    }
    assertEquals(1, most.get(), "one recording for both, not one each");
    assertEquals(0, running(), "none left running");
    for (String entry : List.of("profile/cpu.jfr", "profile/cpu-folded.txt", "profile/events.jfr", "jvm/events.json")) {
      assertTrue(sink.entries().containsKey(entry), entry + " in " + sink.entries().keySet());
    }
    assertTrue(sink.text("jvm/events.json").contains("\"window_ms\""), sink.text("jvm/events.json"));
  }

  /** Recordings of the packet that run now. */
  private static int running() {
    if (!FlightRecorder.isInitialized()) {
      return 0;
    }
    return (int) FlightRecorder.getFlightRecorder().getRecordings().stream()
        .filter(r -> r.getName().startsWith("support-packet") && r.getState() == RecordingState.RUNNING)
        .count();
  }
}
