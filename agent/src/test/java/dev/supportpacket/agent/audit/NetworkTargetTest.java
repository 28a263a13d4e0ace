package dev.supportpacket.agent.audit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tcp target against in-test receivers: framing, GELF, a receiver that is down then back, seals off the host. */
class NetworkTargetTest {
  private static final Duration PATIENCE = Duration.ofSeconds(30);

  @TempDir Path dir;

  @Test
  void tcpTargetSendsOneJsonRecordPerLine() throws Exception {
    try (Receiver receiver = new Receiver(0)) {
      AuditLog log = Configs.load(dir, tcp("json", receiver.port()), null);
      log.submit(Configs.record("alice"));
      log.submit(Configs.record("bob"));
      List<String> lines = await().atMost(PATIENCE).until(() -> receiver.frames('\n'), l -> l.size() == 2);
      assertEquals("alice", json(lines.get(0)).path("user").asText());
      assertEquals("bob", json(lines.get(1)).path("user").asText());
      assertEquals("/tmp/p.zip", json(lines.get(1)).path("meta").path("packet").asText());
    }
  }

  @Test
  void gelfOverTcpEndsEachFrameWithNulAndCarriesTheGelfFields() throws Exception {
    try (Receiver receiver = new Receiver(0)) {
      AuditLog log = Configs.load(dir, tcp("gelf", receiver.port()), null);
      AuditRecord r = Configs.record("alice");
      log.submit(r);
      log.submit(AuditRecord.builder(AuditRecord.PACKET_CREATE).status(AuditRecord.Status.FAILED).build());
      List<String> frames = await().atMost(PATIENCE).until(() -> receiver.frames('\0'), l -> l.size() == 2);
      JsonNode gelf = json(frames.get(0));
      assertEquals("1.1", gelf.path("version").asText());
      assertEquals(dev.supportpacket.agent.report.AppIdentity.hostName(), gelf.path("host").asText());
      assertEquals("packet.create success by alice via attach-cli/1", gelf.path("short_message").asText());
      assertTrue(gelf.path("timestamp").isBigDecimal() || gelf.path("timestamp").isDouble(), gelf::toString);
      assertEquals(r.createAt() / 1000.0, gelf.path("timestamp").asDouble(), 0.0005);
      assertEquals(6, gelf.path("level").asInt(), "info is syslog severity 6");
      assertEquals(3, json(frames.get(1)).path("level").asInt(), "error is syslog severity 3");
      assertEquals(r.id(), gelf.path("_record_id").asText());
      assertEquals("alice", gelf.path("_user").asText());
      assertEquals("/tmp/p.zip", gelf.path("_packet").asText());
      assertEquals(10, gelf.path("_size").asInt());
      assertEquals("false", gelf.path("_heapDump").asText(), "GELF values are strings or numbers");
      assertEquals("[\"threads\",\"jvm\"]", gelf.path("_collectors").asText());
      gelf.fieldNames().forEachRemaining(n -> assertTrue(n.matches("(version|host|short_message|timestamp|level|_[\\w.-]+)")
          && !n.equals("_id"), n));
    }
  }

  @Test
  void aTargetThatIsDownKeepsRecordsUpToTheCapThenSaysHowManyWereDroppedOnceBack() throws Exception {
    int port = Receiver.freePort();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    AuditLog log = Configs.load(dir, "queue_size: 3\n" + tcp("json", port), new PrintStream(err, true));
    List<String> users = List.of("u1", "u2", "u3", "u4", "u5");
    users.forEach(u -> log.submit(Configs.record(u)));
    assertTrue(log.awaitIdle(PATIENCE.toMillis()), "a target that is down does not hold up whoever waits");
    assertEquals(2, log.droppedSoFar(), "3 wait, 2 dropped");
    await().atMost(PATIENCE).until(() -> err.toString(StandardCharsets.UTF_8).contains("audit target remote failed"));

    try (Receiver receiver = new Receiver(port)) {
      List<String> lines = await().atMost(PATIENCE).until(() -> receiver.frames('\n'), l -> l.size() == 4);
      JsonNode dropped = json(lines.get(0));
      assertEquals(AuditRecord.DROPPED, dropped.path("event").asText(), "the gap is told first");
      assertEquals(2, dropped.path("meta").path("dropped").asInt());
      assertEquals("remote", dropped.path("meta").path("target").asText());
      List<String> got = new ArrayList<>();
      lines.subList(1, 4).forEach(l -> got.add(json(l).path("user").asText()));
      assertEquals(List.of("u1", "u2", "u3"), got, "the waiting records, oldest first");
      assertEquals(0, log.droppedSoFar());
      await().atMost(PATIENCE).until(() -> err.toString(StandardCharsets.UTF_8).contains("audit target remote is back"));
    }
  }

  @Test
  void sealsOfTheChainedFileAlsoGoOffHost() throws Exception {
    try (Receiver receiver = new Receiver(0)) {
      Path file = dir.resolve("local.jsonl");
      AuditLog log = Configs.load(dir, tcp("json", receiver.port()) + "  local:\n    type: file\n"
          + "    options: {filename: " + file + "}\n", null);
      log.submit(Configs.record("alice"));
      List<String> lines = await().atMost(PATIENCE).until(() -> receiver.frames('\n'), l -> l.size() == 2);
      JsonNode copy = json(lines.get(1));
      assertEquals(AuditRecord.SEAL, copy.path("event").asText(), lines::toString);
      String sealLine = Files.readAllLines(file).get(1);
      JsonNode seal = json(sealLine);
      assertEquals(seal.path("id").asText(), copy.path("id").asText());
      assertEquals(seal.path("sig").asText(), copy.path("meta").path("sig").asText());
      assertEquals(2, copy.path("meta").path("seq").asInt());
      assertEquals(file.toString(), copy.path("meta").path("file").asText());
      assertEquals(AuditKeys.link(sealLine.getBytes(StandardCharsets.UTF_8), null), copy.path("meta").path("link").asText(),
          "the remote copy names the hash of the seal line, which commits to every line before it");
      assertFalse(Files.readString(file).contains("\"link\""), "the file's own seal is unchanged");
    }
  }

  /** A {@code targets:} map with one tcp target {@code remote}. */
  static String tcp(String format, int port) {
    return "targets:\n  remote:\n    type: tcp\n    format: " + format + "\n"
        + "    options: {host: 127.0.0.1, port: " + port + ", connect_timeout: 2s}\n";
  }

  static JsonNode json(String s) {
    try {
      return AuditFormat.JSON.readTree(s);
    } catch (java.io.IOException e) {
      throw new AssertionError("not JSON: " + s, e);
    }
  }
}
