package dev.supportpacket.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.supportpacket.it.apps.shop.CatalogService;
import dev.supportpacket.it.apps.shop.FileArchiver;
import dev.supportpacket.it.apps.shop.InventoryCache;
import dev.supportpacket.it.apps.shop.LedgerService;
import dev.supportpacket.it.apps.shop.OrderService;
import dev.supportpacket.it.apps.shop.PaymentGateway;
import dev.supportpacket.it.apps.shop.PluginHost;
import dev.supportpacket.it.apps.shop.ReportRenderer;
import dev.supportpacket.it.apps.shop.ReportScheduler;
import dev.supportpacket.it.apps.shop.SessionStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The corpus: small business-like applications, each with one fault written as real code would have it, and
 * healthy controls. Each gets a real packet; its findings.json must name the fault (and nothing alarming for the
 * controls). Where a category can only be judged from the window's evidence (thread snapshots, two JVM readings,
 * JFR events, the log summary), the fault must at least be found once that evidence is in the packet.
 */
class FindingsIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One application of the corpus and what its packet must say. */
  private static final class Case {
    final String name;
    final Class<?> app;
    final List<String> jvmArgs;
    final List<String> args;
    /** The category that must be found; "" for a healthy control. */
    final String expected;
    /** The entries without which the category cannot be judged at all; empty when an older packet suffices. */
    final List<String> needs;
    /** The entries without which it cannot be told from a moment's noise (only INFO then). */
    final List<String> alarmingNeeds;

    Case(String name, Class<?> app, List<String> jvmArgs, List<String> args, String expected, List<String> needs,
        List<String> alarmingNeeds) {
      this.name = name;
      this.app = app;
      this.jvmArgs = jvmArgs;
      this.args = args;
      this.expected = expected;
      this.needs = needs;
      this.alarmingNeeds = alarmingNeeds;
    }
  }

  private static final String SNAPSHOTS = "threads/snapshots.json";
  private static final String READINGS = "jvm/readings.json";

  private static List<Case> corpus() throws Exception {
    long machineMb = machineMemoryMb();
    return List.of(
        new Case("healthy idle", CatalogService.class, List.of(), List.of(), "", List.of(), List.of()),
        new Case("healthy busy", CatalogService.class, List.of(), List.of("busy"), "", List.of(), List.of()),
        new Case("deadlock", InventoryCache.class, List.of(), List.of(), "deadlock", List.of(), List.of()),
        new Case("blocked socket", OrderService.class, List.of(), List.of(), "blocked-io", List.of(), List.of(SNAPSHOTS)),
        new Case("hot loop", ReportRenderer.class, List.of(), List.of(), "cpu-hot-spot", List.of(), List.of(SNAPSHOTS)),
        new Case("lock convoy", LedgerService.class, List.of(), List.of(), "lock-contention", List.of(),
            List.of(SNAPSHOTS)),
        new Case("thread leak", ReportScheduler.class, List.of(), List.of(), "thread-leak", List.of(), List.of()),
        new Case("fd leak", FileArchiver.class, List.of(), List.of(), "fd-exhaustion", List.of(), List.of()),
        new Case("class leak", PluginHost.class, List.of("-XX:MaxMetaspaceSize=64m"), List.of(), "class-leak",
            List.of(), List.of()),
        new Case("heap over machine", CatalogService.class, List.of("-Xmx" + (machineMb + 8192) + "m"), List.of(),
            "heap-vs-container", List.of(), List.of()),
        new Case("heap full", SessionStore.class, List.of("-Xmx64m"), List.of(), "heap-exhaustion", List.of(READINGS),
            List.of()),
        new Case("error storm", PaymentGateway.class, List.of(), List.of(), "error-storm",
            List.of("logs/summary.json"), List.of()));
  }

  private static long machineMemoryMb() throws Exception {
    for (String line : Files.readAllLines(Paths.get("/proc/meminfo"))) {
      if (line.startsWith("MemTotal:")) {
        return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
      }
    }
    throw new IllegalStateException("no MemTotal in /proc/meminfo");
  }

  /** On JDK 25 the faults whose evidence differs between JDKs (stacks of socket reads, executors, metaspace). */
  private static final List<String> ON_JDK25 = List.of("healthy idle", "healthy busy", "deadlock", "blocked socket",
      "hot loop", "thread leak", "class leak", "heap full");

  @ParameterizedTest
  @EnumSource(Jdk.class)
  @Timeout(value = 15, unit = TimeUnit.MINUTES)
  void everyFaultIsNamedAndHealthyServicesGetNoWarning(Jdk jdk) throws Exception {
    Path base = Files.createDirectories(Paths.get(System.getProperty("workDir"), "findings-" + jdk));
    List<Case> corpus = new ArrayList<>(corpus());
    if (jdk == Jdk.JDK25) {
      corpus.removeIf(c -> !ON_JDK25.contains(c.name));
    }
    // Two at a time (and the other JDK's two beside them): each is a JVM with an agent attached, on two cores.
    ExecutorService pool = Executors.newFixedThreadPool(2);
    List<Future<String>> results = new ArrayList<>();
    for (Case c : corpus) {
      results.add(pool.submit(() -> check(jdk, c, Files.createDirectories(base.resolve(c.name.replace(' ', '-'))))));
    }
    pool.shutdown();
    List<String> failures = new ArrayList<>();
    for (Future<String> r : results) {
      String failure = r.get();
      if (!failure.isEmpty()) {
        failures.add(failure);
      }
    }
    assertEquals(List.of(), failures, "on " + jdk);
  }

  /** "" when the packet says what it must; otherwise what went wrong, with the findings. */
  private static String check(Jdk jdk, Case c, Path dir) {
    try (TargetJvm target = TargetJvm.start(jdk, c.app, dir, c.jvmArgs, Map.of(), c.args)) {
      // A generous --timeout: on a loaded machine a packet of a busy target can take minutes.
      Cli.Result r = Cli.runIn(dir, Long.toString(target.pid()), "--duration", "2", "--output", dir.toString(),
          "--timeout", "170");
      PacketZip packet = new PacketZip(r.packet());
      JsonNode findings = JSON.readTree(packet.text("findings.json")).path("findings");
      List<String> alarming = new ArrayList<>();
      List<String> all = new ArrayList<>();
      for (JsonNode f : findings) {
        all.add(f.path("severity").asText() + " " + f.path("id").asText() + ": " + f.path("title").asText());
        if (!f.path("severity").asText().equals("info")) {
          alarming.add(f.path("id").asText());
        }
      }
      String what = c.name + " (" + c.app.getSimpleName() + "): ";
      if (!r.err.contains("verdict: ")) {
        return what + "the CLI printed no verdict: " + r.err;
      }
      if (c.expected.isEmpty()) {
        return alarming.isEmpty() ? "" : what + "a healthy service got warnings " + all;
      }
      for (String need : c.needs) {
        if (!packet.has(need)) {
          System.err.println("FindingsIT: " + what + "not judged, the packet has no " + need + " yet");
          return "";
        }
      }
      boolean found = all.stream().anyMatch(f -> f.contains(" " + c.expected + ": "));
      if (!found) {
        return what + "no " + c.expected + " finding in " + all;
      }
      boolean canAlarm = c.alarmingNeeds.stream().allMatch(packet::has);
      if (canAlarm && !alarming.contains(c.expected)) {
        return what + c.expected + " was found but not as a warning: " + all;
      }
      if (canAlarm && !alarming.isEmpty() && !alarming.get(0).equals(c.expected)
          && !(c.expected.equals("blocked-io") && alarming.get(0).equals("blocked-io"))) {
        return what + "the root cause " + c.expected + " is not first: " + all;
      }
      return "";
    } catch (Throwable t) {
      return c.name + ": " + t;
    }
  }
}
