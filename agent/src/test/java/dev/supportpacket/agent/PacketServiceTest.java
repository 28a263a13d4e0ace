package dev.supportpacket.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.supportpacket.agent.collect.Collector;
import dev.supportpacket.agent.options.PacketOptions;
import dev.supportpacket.agent.trigger.FailureKind;
import dev.supportpacket.agent.trigger.PacketResult;
import dev.supportpacket.agent.trigger.StatusFile;
import dev.supportpacket.agent.trigger.TriggerContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PacketServiceTest {

  @Test
  void outputDirectoryThatCannotBeCreatedIsRefusedWithTheFix(@TempDir Path dir) throws Exception {
    Path status = Files.createFile(dir.resolve("status"));
    // A refused directory cannot take the audit record either: without this it would go to the working directory.
    Path audit = Files.writeString(dir.resolve("audit.yaml"),
        "targets:\n  local:\n    type: file\n    options: {filename: " + dir.resolve("audit.jsonl") + "}\n");
    Path underAFile = Files.writeString(dir.resolve("a-file"), "x").resolve("packets");
    PacketResult r = PacketService.withDefaultCollectors().create(PacketOptions.builder().outputDir(underAFile)
        .statusFile(status).auditConfig(audit).build(), new StatusFile(status));
    assertEquals(FailureKind.OUTPUT_NOT_WRITABLE, r.failure().orElseThrow());
    assertTrue(r.message().contains("cannot be created"), r.message());
    assertTrue(Files.readString(dir.resolve("audit.jsonl")).contains("\"status\":\"rejected\""), "audited as rejected");
    assertTrue(r.message().contains("--output"), r.message());
    assertTrue(Files.readString(status).startsWith("failed OUTPUT_NOT_WRITABLE "), Files.readString(status));
  }

  /**
   * Collectors ready what they need beside the packet's setup, on a thread of ours that ends before the packet does,
   * also when the request is refused after the preparing began (a rules file that does not parse).
   */
  @Test
  void collectorsPrepareBesideTheSetupOnAThreadThatEndsBeforeThePacket(@TempDir Path dir) throws Exception {
    List<String> preparedOn = new java.util.concurrent.CopyOnWriteArrayList<>();
    CountDownLatch readied = new CountDownLatch(2);
    Collector slowToReady = new Collector() {
      @Override
      public String id() {
        return "slow-to-ready";
      }

      @Override
      public void prepare() {
        preparedOn.add(Thread.currentThread().getName());
        try {
          Thread.sleep(1_500);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        readied.countDown();
      }

      @Override
      public void collect(dev.supportpacket.agent.collect.CollectContext ctx, dev.supportpacket.agent.packet.Packet p) {
      }
    };
    PacketService service = new PacketService(List.of(slowToReady));
    PacketResult r = service.create(PacketOptions.builder().outputDir(dir).build(), new StatusFile(null));
    assertTrue(r.complete(), r.message());
    assertEquals(1, readied.getCount(), "the packet ended after its preparing");

    Path rules = Files.writeString(dir.resolve("rules.yaml"), "{not: [valid");
    PacketResult refused = service.create(PacketOptions.builder().outputDir(dir).rulesFile(rules).build(),
        new StatusFile(null));
    assertEquals(FailureKind.BAD_OPTIONS, refused.failure().orElseThrow(), refused.message());
    assertEquals(0, readied.getCount(), "the refused request ended after its preparing");
    assertEquals(List.of("support-packet-prepare", "support-packet-prepare"), preparedOn);
    assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().equals("support-packet-prepare")),
        "no thread of ours left");
  }

  @Test
  void failingCollectorStillGivesAPacketThatSaysWhatIsMissing(@TempDir Path dir) throws Exception {
    Collector broken = new Collector() {
      @Override
      public String id() {
        return "broken";
      }

      @Override
      public void collect(dev.supportpacket.agent.collect.CollectContext ctx, dev.supportpacket.agent.packet.Packet p) {
        throw new IllegalStateException("boom");
      }
    };
    PacketResult r = new PacketService(List.of(broken)).create(
        PacketOptions.builder().outputDir(dir).build(), new StatusFile(null));
    Path zip = r.path().orElseThrow();
    assertFalse(r.complete());
    try (ZipFile z = new ZipFile(zip.toFile())) {
      String warning = new String(z.getInputStream(z.getEntry("warning.txt")).readAllBytes());
      assertTrue(warning.contains("broken failed: IllegalStateException: boom"), warning);
      String report = new String(z.getInputStream(z.getEntry("report.txt")).readAllBytes());
      assertTrue(report.trim().endsWith("see warning.txt)"), report);
    }
    try (var files = Files.list(dir)) {
      // Beside the packet: only the audit log and its lock (the seal key is in the state directory), nothing temporary.
      assertEquals(List.of(zip), files.filter(f -> !f.getFileName().toString().startsWith("support-packet-audit."))
          .collect(java.util.stream.Collectors.toList()), "no scratch or part files left");
      assertTrue(Files.isRegularFile(dir.resolve("support-packet-audit.jsonl")), "the request was audited");
    }
  }

  @Test
  void secondRequestWhileOneRunsIsAnsweredAlreadyRunning(@TempDir Path dir) throws Exception {
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Collector slow = new Collector() {
      @Override
      public String id() {
        return "slow";
      }

      @Override
      public void collect(dev.supportpacket.agent.collect.CollectContext ctx, dev.supportpacket.agent.packet.Packet p)
          throws InterruptedException {
        inside.countDown();
        release.await();
      }
    };
    PacketService service = new PacketService(List.of(slow));
    PacketOptions options = PacketOptions.builder().outputDir(dir).build();
    Thread first = new Thread(() -> service.create(options, new StatusFile(null)));
    first.start();
    inside.await();
    Path running = service.inProgress().orElseThrow();
    PacketResult second = service.create(options, TriggerContext.jmx(null, "localhost"), new StatusFile(null));
    release.countDown();
    first.join();
    assertEquals(FailureKind.ALREADY_RUNNING, second.failure().orElseThrow());
    assertTrue(second.message().endsWith(": " + running), "names the packet being written: " + second.message());
    assertTrue(service.inProgress().isEmpty());
    assertEquals(running, service.lastWritten().orElseThrow(), "the running packet's name is the one written");
    assertTrue(Files.isRegularFile(running));
  }
}
