package dev.supportpacket.agent.collect.profile;

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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The events recording into an in-memory packet, in this test JVM, with a contended monitor and forced GCs. */
class JfrEventsCollectorTest {
  private static final String SECRET = "Planted-Jfr-Secret-9";
  @TempDir Path scratch;
  private volatile boolean stop;
  private final Set<Thread> started = new HashSet<>();

  /** A class of its own, so that the monitor's class names the culprit. */
  static final class Ledger {}

  @AfterEach
  void stopThreads() throws InterruptedException {
    stop = true;
    for (Thread t : started) {
      t.join(5_000);
    }
  }

  @Test
  void summarisesContendedMonitorsAndGcsAndKeepsOnlyListedSanitizedEvents() throws Exception {
    Ledger ledger = new Ledger();
    for (String name : new String[] {"posting-1", "posting-2 password=" + SECRET}) {
      Thread t = new Thread(() -> {
        while (!stop) {
          synchronized (ledger) {
            sleep(40);
          }
          // Outside the lock for a moment, so that the other thread gets it too (a monitor is not fair).
          sleep(2);
        }
      }, name);
      t.setDaemon(true);
      t.start();
      started.add(t);
    }
    Thread gcs = new Thread(() -> {
      // JFR's first start in a JVM takes a while: collect once the window is open.
      while (!stop && !recording()) {
        sleep(20);
      }
      sleep(200);
      System.gc();
    });
    gcs.setDaemon(true);
    gcs.start();
    started.add(gcs);

    MemorySink sink = new MemorySink();
    Packet packet = new Packet(Sanitizer.withRandomKey(), sink);
    PacketOptions options = PacketOptions.builder().profileDuration(Duration.ofSeconds(2)).build();
    new JfrEventsCollector().collect(new CollectContext(options, scratch, Progress.NONE), packet);

    String text = sink.text("jvm/events.json");
    assertFalse(text.contains(SECRET), "thread names in the summary pass the sanitizer");
    JsonNode json = new ObjectMapper().readTree(text);
    assertEquals(1, json.get("version").asInt());
    assertTrue(json.get("window_ms").asLong() >= 1_900);
    JsonNode enter = json.get("monitor_enter").get(0);
    assertEquals(Ledger.class.getName(), enter.get("class").asText(), json.get("monitor_enter").toString());
    // Events are summed per monitor and stack; how many waits a loaded machine allows in 2 s varies (2 seen).
    assertTrue(enter.get("count").asInt() >= 2 && enter.get("total_ms").asDouble() >= 80, enter.toString());
    assertTrue(enter.get("stack").get(0).asText().contains("JfrEventsCollectorTest"), enter.toString());
    assertTrue(enter.get("owner").asText().startsWith("posting-"), enter.toString());
    assertTrue(json.get("gc").get("pauses").size() >= 1, json.get("gc").toString());
    assertTrue(json.get("gc").get("pauses").get(0).get("cause").asText().contains("System.gc"));
    assertTrue(json.get("exceptions").get("throwables").isNumber());

    byte[] jfr = sink.entries().get("profile/events.jfr");
    assertFalse(new String(jfr, StandardCharsets.ISO_8859_1).contains(SECRET), "the rebuilt recording is scrubbed");
    Path copy = scratch.resolve("events-copy.jfr");
    Files.write(copy, jfr);
    Set<String> types = new HashSet<>();
    boolean redactedName = false;
    try (RecordingFile f = new RecordingFile(copy)) {
      while (f.hasMoreEvents()) {
        RecordedEvent e = f.readEvent();
        types.add(e.getEventType().getName());
        redactedName |= e.getThread() != null && e.getThread().getJavaName() != null
            && e.getThread().getJavaName().startsWith("posting-2 password=[REDACTED");
      }
    }
    assertTrue(JfrEventsCollector.EVENTS.keySet().containsAll(types), "only listed types leave: " + types);
    assertTrue(types.contains("jdk.JavaMonitorEnter") && types.contains("jdk.GarbageCollection"), types.toString());
    assertTrue(redactedName, "the secret thread's events stay, its name redacted");
  }

  private static boolean recording() {
    return jdk.jfr.FlightRecorder.isInitialized() && jdk.jfr.FlightRecorder.getFlightRecorder().getRecordings()
        .stream().anyMatch(r -> r.getName().equals("support-packet") && r.getState() == jdk.jfr.RecordingState.RUNNING);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
