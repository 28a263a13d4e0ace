package dev.supportpacket.agent.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.supportpacket.agent.options.Claims;
import dev.supportpacket.agent.packet.MemorySink;
import dev.supportpacket.agent.packet.Packet;
import dev.supportpacket.agent.packet.SealedFile;
import dev.supportpacket.agent.report.Outcome;
import dev.supportpacket.agent.sanitize.Sanitizer;
import dev.supportpacket.agent.trigger.FailureKind;
import dev.supportpacket.agent.trigger.TriggerContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PacketEventTest {
  @TempDir Path dir;

  private PacketEvent.Request request() {
    return new PacketEvent.Request(TriggerContext.attach(), new Claims("alice", "box", "attach-cli/1"), dir);
  }

  private static PacketEvent.Collected collected() throws Exception {
    Packet p = new Packet(Sanitizer.withRandomKey(), new MemorySink());
    p.ownedBy("logs").addText("logs/app.log", w -> w.write("login password=hunter2hunter2\n"));
    p.ownedBy("config").addText("config/app.properties", w -> w.write("db.password=s3cr3t-value\n"));
    p.ownedBy("heap").addText("heap/heap.hprof.gz", w -> w.write("stand-in"));
    return PacketEvent.Collected.of(List.of(Outcome.ok("logs", 1), Outcome.failed("threads", 2, "broke"),
        Outcome.ok("config", 3), Outcome.off("heap", "not asked")), p.entries());
  }

  @Test
  void collectedNamesTheCollectorsThatDeliveredAndSumsTheRedactionsOfEveryEntry() throws Exception {
    PacketEvent.Collected c = collected();
    assertEquals(List.of("logs", "config"), c.collectors());
    assertTrue(c.heapDump(), "an entry named .hprof.gz is a heap dump");
    int total = c.redactions().values().stream().mapToInt(Integer::intValue).sum();
    assertTrue(total >= 2, "one secret in each of two entries: " + c.redactions());
    assertThrows(UnsupportedOperationException.class, () -> c.redactions().put("x", 1));
  }

  @Test
  void aFailureNeedsItsKindAndMessage() {
    assertThrows(IllegalArgumentException.class, () -> PacketEvent.rejected(request(), null, "no room"));
    assertThrows(IllegalArgumentException.class, () -> PacketEvent.rejected(request(), FailureKind.NO_SPACE, null));
    assertThrows(NullPointerException.class,
        () -> PacketEvent.failed(request(), null, FailureKind.INTERNAL, "collected nothing known"));
  }

  @Test
  void onlyAWrittenUnsealedPacketIsSealed() throws Exception {
    SealedFile zip = new SealedFile(dir.resolve("p.zip"), 10, "ab");
    PacketEvent rejected = PacketEvent.rejected(request(), FailureKind.ALREADY_RUNNING, "busy");
    assertThrows(IllegalStateException.class, () -> rejected.sealedAs(zip));
    PacketEvent written = PacketEvent.written(request(), collected(), false);
    PacketEvent sealed = written.sealedAs(zip);
    assertThrows(IllegalStateException.class, () -> sealed.sealedAs(zip));
    assertEquals(Optional.empty(), written.packet(), "sealing makes a new event; the written one is unchanged");
    assertEquals(AuditRecord.Status.PARTIAL, sealed.status());
    assertFalse(sealed.complete());
    assertThrows(NullPointerException.class, () -> written.sealedAs(null));
  }

  @Test
  void aRequestNeedsItsTriggerCallerAndDirectory() {
    assertThrows(NullPointerException.class, () -> new PacketEvent.Request(null, Claims.UNKNOWN, dir));
    assertThrows(NullPointerException.class, () -> new PacketEvent.Request(TriggerContext.attach(), null, dir));
    assertThrows(NullPointerException.class, () -> new PacketEvent.Request(TriggerContext.attach(), Claims.UNKNOWN, null));
    assertThrows(IllegalArgumentException.class,
        () -> new PacketEvent.Request("", 1, TriggerContext.attach(), Claims.UNKNOWN, dir));
  }

  @Test
  void thePacketsOwnRecordIsMadeOnlyOfAWrittenUnsealedPacket() throws Exception {
    PacketEvent written = PacketEvent.written(request(), collected(), true);
    JsonNode inside = AuditFormat.JSON.readTree(PacketAudit.inPacketJson(written));
    assertEquals(written.request().id(), inside.path("id").asText());
    assertEquals("success", inside.path("status").asText());
    assertEquals("alice", inside.path("user").asText());
    assertEquals("attach-cli", inside.path("meta").path("userSource").asText());
    assertEquals(List.of("logs", "config"), List.of(inside.path("meta").path("collectors").get(0).asText(),
        inside.path("meta").path("collectors").get(1).asText()));
    assertTrue(inside.path("meta").path("sha256").isMissingNode(), "a zip cannot hold its own hash");
    assertThrows(IllegalArgumentException.class, () -> PacketAudit.inPacketJson(
        written.sealedAs(new SealedFile(dir.resolve("p.zip"), 10, "ab"))));
    assertThrows(IllegalArgumentException.class,
        () -> PacketAudit.inPacketJson(PacketEvent.rejected(request(), FailureKind.BAD_OPTIONS, "bad")));
  }

  @Test
  void theLogsRecordOfASealedPacketHasItsHashAndOfARefusalItsFailureOnOneLine() throws Exception {
    Path log = dir.resolve("audit.jsonl");
    Path config = Files.writeString(dir.resolve("audit.yaml"), "targets:\n  t:\n    type: file\n    options: {filename: "
        + log + ", signing_key_file: " + dir.resolve("audit.key") + "}\n");
    SealedFile zip = new SealedFile(dir.resolve("p.zip"), 1234, "c0ffee");
    PacketEvent sealed = PacketEvent.written(request(), collected(), true).sealedAs(zip);
    PacketAudit audit = new PacketAudit();
    audit.record(Optional.of(config), sealed);
    audit.record(Optional.of(config), PacketEvent.outputRefused(request(), FailureKind.OUTPUT_NOT_WRITABLE,
        "not writable\nfake: line"));
    List<JsonNode> records = new java.util.ArrayList<>();
    for (String line : Files.readAllLines(log)) {
      JsonNode n = AuditFormat.JSON.readTree(line);
      if (n.path("event").asText().equals(AuditRecord.PACKET_CREATE)) {
        records.add(n);
      }
    }
    assertEquals(2, records.size(), records::toString);
    JsonNode ok = records.get(0).path("meta");
    assertEquals(sealed.request().id(), records.get(0).path("id").asText());
    assertEquals("c0ffee", ok.path("sha256").asText());
    assertEquals(1234, ok.path("size").asLong());
    assertTrue(ok.path("failure").isMissingNode() && ok.path(PacketAudit.OUTPUT_REFUSED).isMissingNode(), ok::toString);
    JsonNode refused = records.get(1);
    assertEquals("rejected", refused.path("status").asText());
    assertEquals("OUTPUT_NOT_WRITABLE", refused.path("meta").path("failure").asText());
    assertEquals("not writable fake: line", refused.path("meta").path("message").asText());
    assertTrue(refused.path("meta").path(PacketAudit.OUTPUT_REFUSED).asBoolean());
    assertTrue(refused.path("meta").path("collectors").isMissingNode(), "a refused request collected nothing");
  }
}
