package dev.supportpacket.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.supportpacket.it.apps.OrderDeskApp;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The evidence a packet gathers for its findings, from a real JVM on JDK 17 and 25 with planted faults: a hot
 * thread, a lock held while others queue, forced GCs, ERROR lines and a secret in log text and in a thread name.
 */
class EvidenceIT {
  private static final String SECRET = "Planted-Evidence-Secret-4711";
  private static final ObjectMapper JSON = new ObjectMapper();

  @ParameterizedTest
  @EnumSource(Jdk.class)
  @ResourceLock("cpu-profile")
  void packetHoldsSnapshotsReadingsEventsAndLogSummaryOfTheFaults(Jdk jdk, @TempDir Path dir) throws Exception {
    try (TargetJvm target = TargetJvm.start(jdk, OrderDeskApp.class, dir, List.of("-Dit.db.password=" + SECRET),
        Map.of(), List.of())) {
      Cli.Result r = Cli.run(Long.toString(target.pid()));
      assertEquals(0, r.exit, r::toString);
      PacketZip zip = new PacketZip(r.packet());
      for (Map.Entry<String, byte[]> e : zip.entries().entrySet()) {
        assertFalse(new String(e.getValue(), StandardCharsets.ISO_8859_1).contains(SECRET), e.getKey());
      }

      JsonNode snaps = JSON.readTree(zip.text("threads/snapshots.json"));
      JsonNode start = snaps.get("snapshots").get(0);
      JsonNode end = snaps.get("snapshots").get(2);
      assertEquals(3, snaps.get("snapshots").size());
      // The machine may be shared: the pricer's share of a core is not the point, that it burns most of the app is.
      long seconds = end.get("at_ms").asLong() - start.get("at_ms").asLong();
      assertTrue(seconds >= 4000, "the snapshots span the window: " + seconds + " ms");
      String busiest = null;
      long most = -1;
      for (JsonNode t : end.get("threads")) {
        String name = t.get("name").asText();
        if (t.get("agent").asBoolean() || name.contains("CompilerThread") || t.get("cpu_ns").asLong() < 0) {
          continue;
        }
        JsonNode before = byId(start, t.get("id").asLong());
        long used = t.get("cpu_ns").asLong() - (before == null ? 0 : before.get("cpu_ns").asLong());
        if (used > most) {
          most = used;
          busiest = name;
        }
      }
      assertEquals(OrderDeskApp.PRICER, busiest, "the pricer used most CPU in the window (" + most + " ns)");
      assertTrue(most > 0);
      long writer = named(end, OrderDeskApp.STOCK_WRITER).get("id").asLong();
      int waitersSeen = 0;
      for (JsonNode s : snaps.get("snapshots")) {
        for (JsonNode t : s.get("threads")) {
          if (t.get("name").asText().startsWith("order-worker") && t.get("state").asText().equals("BLOCKED")) {
            assertEquals(writer, t.get("lock_owner_id").asLong(), t.toString());
            assertTrue(t.get("lock").asText().startsWith(OrderDeskApp.class.getName() + "$Inventory@"), t.toString());
            waitersSeen++;
          }
        }
      }
      assertTrue(waitersSeen >= 3, "workers seen waiting for the stock writer: " + waitersSeen);
      boolean agentMarked = false;
      for (JsonNode t : end.get("threads")) {
        agentMarked |= t.get("agent").asBoolean() && t.get("name").asText().startsWith("support-packet-");
      }
      assertTrue(agentMarked, "the agent's own threads are marked");

      JsonNode readings = JSON.readTree(zip.text("jvm/readings.json"));
      assertTrue(gcCount(readings.get("end")) >= gcCount(readings.get("start")) + 4, readings.toString());
      assertTrue(readings.get("end").get("process_cpu_ns").asLong() > readings.get("start").get("process_cpu_ns").asLong());
      assertTrue(readings.get("end").get("fds").get("files").asLong() >= 1);

      JsonNode events = JSON.readTree(zip.text("jvm/events.json"));
      JsonNode enter = events.get("monitor_enter").get(0);
      assertTrue(enter.get("class").asText().endsWith("$Inventory"), events.get("monitor_enter").toString());
      assertTrue(enter.get("count").asInt() >= 3, enter.toString());
      // The owner is a thread that really held the lock: the stock writer on a quiet host, where it dominates; on a
      // starved one an order worker's short hold can stretch past it. Never a thread that does not take the lock.
      assertTrue(enter.get("owner").asText().equals(OrderDeskApp.STOCK_WRITER)
          || enter.get("owner").asText().startsWith("order-worker-"), enter.toString());
      assertTrue(events.get("gc").get("pauses").size() >= 4, events.get("gc").toString());
      assertTrue(zip.text("jvm/events.json").contains("order-worker-3 token=[REDACTED:")
          || !zip.text("jvm/events.json").contains("order-worker-3"), "the secret in a thread name is redacted");
      Path jfr = zip.extract("profile/events.jfr", dir);
      Set<String> types = new HashSet<>();
      boolean redactedWorker = false;
      try (RecordingFile f = new RecordingFile(jfr)) {
        while (f.hasMoreEvents()) {
          RecordedEvent e = f.readEvent();
          types.add(e.getEventType().getName());
          redactedWorker |= e.getThread() != null && String.valueOf(e.getThread().getJavaName())
              .startsWith("order-worker-3 token=[REDACTED:");
        }
      }
      assertTrue(types.contains("jdk.JavaMonitorEnter") && types.contains("jdk.GarbageCollection"), types::toString);
      assertTrue(redactedWorker, "the worker's events stay with its name redacted");
      assertTrue(Jfr.print(jdk, jfr).contains("jdk.JavaMonitorEnter"));
      Files.delete(jfr);

      JsonNode logs = JSON.readTree(zip.text("logs/summary.json"));
      int errors = 0;
      for (JsonNode f : logs.get("files")) {
        errors += f.get("error").asInt();
      }
      assertEquals(OrderDeskApp.ERRORS, errors, logs.toString());
      assertEquals("com.acme.orders.PaymentGateway", logs.get("by_logger").get(0).get("logger").asText());
      assertEquals("java.lang.IllegalStateException", logs.get("exceptions").get(0).get("type").asText());
      assertTrue(logs.get("last_error").get("text").asText().contains("password=[REDACTED:"), logs.toString());
      assertTrue(logs.get("templates").get(0).get("template").asText().startsWith("payment <n> refused"),
          logs.get("templates").toString());

      String threads = zip.text("threads/threads.txt");
      long previous = Long.MAX_VALUE;
      boolean agentSeen = false;
      for (String header : threads.split("\n")) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^\".*\" #\\d+.* cpu=(\\d+)ms").matcher(header);
        if (m.find()) {
          // The marker, then the flags a thread may have (" suspended", " in_native").
          boolean agent = header.contains(" [support-packet agent]");
          assertFalse(agentSeen && !agent, "the agent's threads come last: " + header);
          agentSeen |= agent;
          long cpu = Long.parseLong(m.group(1));
          assertTrue(agent || cpu <= previous, "ordered by CPU, most first: " + header);
          previous = agent ? previous : cpu;
        }
      }
      assertTrue(agentSeen, "the agent's own threads are marked");
      assertTrue(zip.text("report.txt").contains("stack depth"), zip.text("report.txt"));
    }
  }

  private static JsonNode named(JsonNode snapshot, String name) {
    for (JsonNode t : snapshot.get("threads")) {
      if (t.get("name").asText().equals(name)) {
        return t;
      }
    }
    throw new AssertionError("no thread " + name + " in snapshot " + snapshot.get("label"));
  }

  private static JsonNode byId(JsonNode snapshot, long id) {
    for (JsonNode t : snapshot.get("threads")) {
      if (t.get("id").asLong() == id) {
        return t;
      }
    }
    return null;
  }

  private static long gcCount(JsonNode reading) {
    long n = 0;
    for (JsonNode gc : reading.get("gc")) {
      n += gc.get("count").asLong();
    }
    return n;
  }
}
