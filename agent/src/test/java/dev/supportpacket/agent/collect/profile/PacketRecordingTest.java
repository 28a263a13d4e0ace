package dev.supportpacket.agent.collect.profile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.supportpacket.agent.collect.CollectContext;
import dev.supportpacket.agent.collect.CollectorRunner;
import dev.supportpacket.agent.collect.Progress;
import dev.supportpacket.agent.collect.RecordingHandoff;
import dev.supportpacket.agent.options.PacketOptions;
import dev.supportpacket.agent.packet.MemorySink;
import dev.supportpacket.agent.packet.Packet;
import dev.supportpacket.agent.report.Outcome;
import dev.supportpacket.agent.sanitize.Sanitizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
    burner();
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

  /**
   * The window is as long as asked from the recording's own start, not from when a collector begins to wait: JFR's
   * start returns tens of ms after the recording began, and the other collector may have started it before.
   */
  @Test
  void theWindowIsCountedFromTheRecordingsStart() throws Exception {
    PacketRecording shared = new PacketRecording();
    try (RecordingHandoff.Work work = RecordingHandoff.IN_PROCESS.begin(RecordingEntries.CPU_PROFILE,
        () -> scratch.resolve("raw.jfr"), "the CPU profile");
        PacketRecording.Use use = shared.open()) {
      Thread.sleep(400); // the recording began this long before the wait
      long waiting = System.nanoTime();
      use.await(Duration.ofSeconds(1), work, left -> { });
      long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - waiting);
      Duration window = use.stopAndDump(scratch.resolve("window.jfr"));

      assertTrue(waited < 900, "waited the rest of the window only: " + waited + " ms");
      assertTrue(window.toMillis() >= 1000, "never shorter than asked: " + window);
    }
  }

  /**
   * With a CLI to read it back, a recording's first part is handed over while it runs, dumped once for both users (one
   * chunk rotation), and the whole recording begins with it byte for byte: the CLI then reads only the rest after
   * the end. The profile's seconds are still told once a second.
   */
  @Test
  void aCliGetsTheFirstPartWhileTheRecordingRunsDumpedOnceForBoth() throws Exception {
    Thread burner = burner();
    Path handoffDir = Files.createDirectory(scratch.resolve("handoff"));
    List<String> lines = Collections.synchronizedList(new ArrayList<>());
    Map<String, byte[]> previews = new ConcurrentHashMap<>();
    Map<String, byte[]> wholes = new ConcurrentHashMap<>();
    Map<String, byte[]> states = new ConcurrentHashMap<>();
    Set<Object> previewFiles = ConcurrentHashMap.newKeySet();
    Set<Object> wholeFiles = ConcurrentHashMap.newKeySet();
    // As a CLI does, whose answer takes tens of ms: both recordings are handed over before either is answered. An
    // answer at once let one collector remove its raw file before the other could link to it (seen under load).
    CountDownLatch bothHandedOver = new CountDownLatch(2);
    RecordingHandoff.Announce cli = new RecordingHandoff.Announce() {
      @Override
      public void part(RecordingHandoff.Derivation what, String name) {
        lines.add("part " + what.name());
        Path own = handoffDir.resolve(name);
        try {
          previews.put(what.name(), Files.readAllBytes(own.resolve(RecordingHandoff.PREVIEW)));
          previewFiles.add(Files.getAttribute(own.resolve(RecordingHandoff.PREVIEW), "unix:ino"));
          assertTrue(Files.readString(own.resolve(RecordingHandoff.PREVIEW_WINDOW)).matches("\\d+ 0"));
          states.put("part " + what.name(), Files.readAllBytes(own.resolve(RecordingHandoff.PREVIEW_STATE)));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }

      @Override
      public void work(RecordingHandoff.Derivation what, String name) {
        lines.add("work " + what.name());
        Path own = handoffDir.resolve(name);
        try {
          wholes.put(what.name(), Files.readAllBytes(own.resolve(RecordingHandoff.RAW)));
          states.put("work " + what.name(), Files.readAllBytes(own.resolve(RecordingHandoff.STATE)));
          wholeFiles.add(Files.getAttribute(own.resolve(RecordingHandoff.RAW), "unix:ino"));
          bothHandedOver.countDown();
          bothHandedOver.await(30, TimeUnit.SECONDS);
          Files.write(own.resolve(RecordingHandoff.DONE), new byte[0]);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    };
    List<Long> secondsLeft = Collections.synchronizedList(new ArrayList<>());
    Progress progress = (phase, left) -> secondsLeft.add(left);
    Sanitizer sanitizer = Sanitizer.withRandomKey();
    PacketRecording shared = new PacketRecording();
    PacketOptions options = PacketOptions.builder().profileDuration(Duration.ofSeconds(3)).build();
    List<Outcome> outcomes = new CollectorRunner().run(
        List.of(new CpuProfileCollector(shared), new JfrEventsCollector(shared)),
        new CollectContext(options, scratch, progress, RecordingHandoff.to(handoffDir, sanitizer, cli)),
        new Packet(sanitizer, new MemorySink()));
    stop = true;
    burner.join(5_000);

    for (Outcome o : outcomes) {
      assertEquals(Outcome.Status.OK, o.status, o.collector + ": " + o.reason);
    }
    for (String kind : List.of("CPU_PROFILE", "EVENTS")) {
      assertTrue(lines.indexOf("part " + kind) >= 0 && lines.indexOf("part " + kind) < lines.indexOf("work " + kind),
          lines.toString());
      byte[] preview = previews.get(kind);
      byte[] whole = wholes.get(kind);
      assertTrue(preview.length > 0 && whole.length > preview.length, preview.length + " of " + whole.length);
      assertArrayEquals(preview, Arrays.copyOf(whole, preview.length), "the whole begins with the preview");
      assertTrue(states.get("part " + kind).length > 0, "the sanitizer's state comes with the part");
      assertArrayEquals(states.get("work " + kind), states.get("part " + kind),
          "nothing learned since: the CLI's early restore serves");
    }
    assertEquals(1, previewFiles.size(), "one preview dump for both: " + previewFiles);
    assertEquals(1, wholeFiles.size(), "one dump of the whole for both: " + wholeFiles);
    assertEquals(List.of(3L, 2L, 1L), secondsLeft, "the profile's seconds, once each");
  }

  private Thread burner() {
    Thread burner = new Thread(() -> {
      double x = 0;
      while (!stop) {
        x += Math.sqrt(x + 1);
      }
    }, "settlement-batch");
    burner.setDaemon(true);
    burner.start();
    return burner;
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
