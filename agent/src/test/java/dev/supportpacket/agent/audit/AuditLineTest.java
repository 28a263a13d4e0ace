package dev.supportpacket.agent.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The one reader of the audit file's json lines, shared by the file target and attach.jar audit verify. */
class AuditLineTest {
  private static Optional<AuditLine> parse(String line) {
    return AuditLine.parse(line.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void readsTheChainFieldsAndTheMetaTheSealsDependOn() {
    AuditLine l = parse("{\"seq\":7,\"prev\":\"ab12\",\"chain\":\"hmac-sha256\",\"createAt\":1700000000000,"
        + "\"event\":\"audit.seal\",\"meta\":{\"from\":3,\"to\":6,\"alg\":\"Ed25519\",\"prevSeal\":null,"
        + "\"files\":[\"a.jsonl.gz\",\"b.jsonl.gz\"]}}").orElseThrow();
    assertEquals(OptionalLong.of(7), l.seq());
    assertEquals("ab12", l.prev());
    assertTrue(l.keyedChain());
    assertEquals(1700000000000L, l.createAt());
    assertEquals(AuditRecord.SEAL, l.event());
    assertEquals(3, l.metaLong("from"));
    assertEquals(Optional.of("Ed25519"), l.metaText("alg"));
    assertEquals(Optional.empty(), l.metaText("prevSeal"), "null is not text");
    assertEquals(Optional.empty(), l.metaText("from"), "a number is not text");
    assertEquals(List.of("a.jsonl.gz", "b.jsonl.gz"), l.metaList("files"));
  }

  @Test
  void theFirstLineOfAChainHasANullPrevAndNoKey() {
    AuditLine l = parse("{\"seq\":1,\"prev\":null,\"chain\":\"sha256\",\"event\":\"packet.create\"}").orElseThrow();
    assertTrue(l.hasPrev());
    assertEquals("", l.prev());
    assertFalse(l.keyedChain());
    assertEquals(0, l.createAt());
  }

  @Test
  void whatIsNotAChainedRecordSaysSo() {
    assertEquals(Optional.empty(), parse("{\"seq\":1,\"prev\":nul"), "a torn line");
    assertEquals(Optional.empty(), parse("[1,2]"));
    assertEquals(Optional.empty(), parse("2026-11-30 | info | packet.create"));
    AuditLine noSeq = parse("{\"seq\":\"x\",\"event\":\"packet.create\"}").orElseThrow();
    assertEquals(OptionalLong.empty(), noSeq.seq());
    assertFalse(noSeq.hasPrev());
  }

  @Test
  void rotatedFilesAreToldFromTheCurrentOneByName() {
    Path current = Path.of("/var/tmp/support-packet-audit.jsonl");
    Path rotated = AuditFiles.rotatedName(current, java.time.Instant.parse("2026-11-30T09:10:11.123Z"));
    assertEquals("support-packet-audit-20261130T091011.123Z.jsonl", rotated.getFileName().toString());
    Path gz = rotated.resolveSibling(rotated.getFileName() + ".gz");
    assertTrue(AuditFiles.isRotated(rotated) && AuditFiles.isRotated(gz));
    assertFalse(AuditFiles.isRotated(current));
    assertEquals("support-packet-audit", AuditFiles.currentStem(current));
    assertEquals("support-packet-audit", AuditFiles.currentStem(gz));
    assertEquals("audit.v2", AuditFiles.currentStem(Path.of("audit.v2-20261130T091011.123Z.jsonl.gz")));
    assertEquals(Path.of("/var/tmp/support-packet-audit.lock"), AuditFiles.lockFile(current));
  }
}
