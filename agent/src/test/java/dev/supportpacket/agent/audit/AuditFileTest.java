package dev.supportpacket.agent.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditFileTest {
  @TempDir Path dir;

  /** With the key beside the file, as for a user without a state directory: the tests keep out of the real one. */
  private FileTarget target(Path file, FileTarget.Settings s) {
    s.keyDirectory = Optional::empty;
    return new FileTarget("t", r -> file, AuditFormat.json(null), true, EnumSet.allOf(AuditRecord.Level.class), s);
  }

  private static AuditRecord record(int i) {
    return AuditRecord.builder(AuditRecord.PACKET_CREATE).status(AuditRecord.Status.SUCCESS).user("alice")
        .client("attach-cli/1").clientHost("box").meta("packet", "/tmp/p" + i + ".zip").meta("size", 10L + i).build();
  }

  private Path writeRecords(int n) throws IOException {
    Path file = dir.resolve("support-packet-audit.jsonl");
    FileTarget t = target(file, new FileTarget.Settings());
    for (int i = 0; i < n; i++) {
      t.write(List.of(record(i)));
    }
    return file;
  }

  private List<String> lines(Path f) throws IOException {
    return new ArrayList<>(Files.readAllLines(f, StandardCharsets.UTF_8));
  }

  /** Each line names the link of the line before it, and the seqs count up: the chain attach.jar audit verify checks. */
  private static void assertChained(List<String> l) {
    for (int i = 1; i < l.size(); i++) {
      JsonNode n = json(l.get(i));
      assertEquals(i + 1, n.get("seq").asLong(), "line " + (i + 1));
      assertEquals(AuditKeys.link(l.get(i - 1).getBytes(StandardCharsets.UTF_8), null), n.get("prev").asText(),
          "line " + (i + 1));
    }
  }

  private static JsonNode json(String line) {
    try {
      return AuditFormat.JSON.readTree(line);
    } catch (IOException e) {
      throw new AssertionError(line, e);
    }
  }

  @Test
  void recordLineHasChainFieldsThenTheRecordInOrder() throws Exception {
    Path file = writeRecords(1);
    JsonNode n = AuditFormat.JSON.readTree(lines(file).get(0));
    List<String> names = new ArrayList<>();
    n.fieldNames().forEachRemaining(names::add);
    assertEquals(List.of("seq", "prev", "chain", "id", "createAt", "level", "event", "status", "user", "client",
        "clientHost", "meta"), names);
    assertEquals(1, n.get("seq").asLong());
    assertTrue(n.get("prev").isNull(), "the first record has no predecessor");
    assertEquals("packet.create", n.get("event").asText());
    assertEquals("success", n.get("status").asText());
    assertEquals("info", n.get("level").asText());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
  }

  @Test
  void eachRecordIsLinkedToThePreviousLineAndSealedBySignature() throws Exception {
    Path file = writeRecords(3);
    List<String> l = lines(file);
    assertEquals(6, l.size(), "record, seal, record, seal, ...: " + l);
    assertChained(l);
    JsonNode seal = AuditFormat.JSON.readTree(l.get(3));
    assertEquals(AuditRecord.SEAL, seal.get("event").asText());
    assertEquals("Ed25519", seal.path("meta").path("alg").asText());
    assertEquals(AuditKeys.link(l.get(1).getBytes(StandardCharsets.UTF_8), null), seal.path("meta").path("prevSeal").asText());
    assertTrue(Files.exists(dir.resolve("support-packet-audit.key")));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("support-packet-audit.key"))));
  }

  @Test
  void rotationGzipsTheOldFileAndTheChainContinuesAcrossFiles() throws Exception {
    Path file = dir.resolve("support-packet-audit.jsonl");
    FileTarget.Settings s = new FileTarget.Settings();
    s.maxSize = 600;
    FileTarget t = target(file, s);
    for (int i = 0; i < 6; i++) {
      t.write(List.of(record(i)));
      Thread.sleep(2); // distinct rotation stamps
    }
    List<Path> rotated = AuditFiles.rotatedFiles(file);
    assertTrue(rotated.size() >= 2, rotated::toString);
    assertTrue(rotated.stream().allMatch(p -> p.toString().endsWith(".jsonl.gz")), rotated::toString);
    assertTrue(rotated.stream().allMatch(AuditFiles::isRotated), rotated::toString);
    assertFalse(AuditFiles.isRotated(file));
    JsonNode first = AuditFormat.JSON.readTree(lines(file).get(0));
    assertEquals(AuditRecord.ROTATE, first.get("event").asText());
    assertEquals(rotated.get(rotated.size() - 1).getFileName().toString(), first.path("meta").path("previousFile").asText());
  }

  @Test
  void aFileWhoseFirstRecordIsOlderThanMaxAgeIsRotated() throws Exception {
    Path file = dir.resolve("support-packet-audit.jsonl");
    FileTarget.Settings s = new FileTarget.Settings();
    s.maxAge = java.time.Duration.ofDays(1);
    FileTarget t = target(file, s);
    long twoDaysAgo = System.currentTimeMillis() - java.time.Duration.ofDays(2).toMillis();
    t.write(List.of(record(1).toBuilder().createAt(twoDaysAgo).build()));
    assertEquals(0, AuditFiles.rotatedFiles(file).size(), "nothing to rotate before the first record");
    t.write(List.of(record(2)));
    assertEquals(1, AuditFiles.rotatedFiles(file).size());
    t.write(List.of(record(3)));
    assertEquals(1, AuditFiles.rotatedFiles(file).size(), "the new file's first record is recent");
  }

  @Test
  void maxBackupsDeletesTheOldestAndSaysSo() throws Exception {
    Path file = dir.resolve("support-packet-audit.jsonl");
    FileTarget.Settings s = new FileTarget.Settings();
    s.maxSize = 600;
    s.maxBackups = 1;
    FileTarget t = target(file, s);
    for (int i = 0; i < 8; i++) {
      t.write(List.of(record(i)));
      Thread.sleep(2);
    }
    assertEquals(1, AuditFiles.rotatedFiles(file).size());
    try (Stream<Path> all = Files.list(dir)) {
      String text = Files.readString(file);
      assertTrue(text.contains(AuditRecord.PRUNE), text);
    }
  }

  @Test
  void plainFormatHasDelimitedFieldsAndNoChain() throws Exception {
    Path file = dir.resolve("audit.log");
    new FileTarget("p", r -> file, AuditFormat.plain(" ; ", "yyyy"), false, EnumSet.allOf(AuditRecord.Level.class),
        new FileTarget.Settings()).write(List.of(record(1)));
    String line = lines(file).get(0);
    assertTrue(line.matches("\\d{4} ; info ; packet.create ; success ; id=.* ; user=alice ; .*"), line);
    assertFalse(line.contains("prev="), line);
  }

  @Test
  void levelsFilterWhatATargetWrites() throws Exception {
    List<AuditRecord> got = Collections.synchronizedList(new ArrayList<>());
    AuditTarget errorsOnly = new RecordingTarget(got, EnumSet.of(AuditRecord.Level.ERROR));
    AuditLog log = new AuditLog(List.of(errorsOnly), 10, null);
    log.submit(record(1));
    log.submit(AuditRecord.builder(AuditRecord.PACKET_CREATE).status(AuditRecord.Status.FAILED).build());
    assertTrue(log.awaitIdle(10_000));
    assertEquals(List.of("failed"), got.stream().map(AuditRecord::status).collect(Collectors.toList()));
  }

  @Test
  void aHugeSparseAuditFileIsNotReadWholeAndNotAppendedTo() throws Exception {
    Path file = dir.resolve("support-packet-audit.jsonl");
    try (java.nio.channels.FileChannel ch = dev.supportpacket.agent.packet.PrivateFiles.createNew(file)) {
      ch.write(java.nio.ByteBuffer.allocate(1), (1L << 30) - 1); // 1 GB of zeros, sparse
    }
    java.io.IOException e = assertThrows(java.io.IOException.class,
        () -> target(file, new FileTarget.Settings()).write(List.of(record(1))));
    assertTrue(e.getMessage().contains("Move it away"), e.getMessage());
    assertEquals(1L << 30, Files.size(file), "nothing appended");
  }

  @Test
  void anAuditFileLinkedToDevZeroIsRefusedAndItsRecordsGoToTheFallback() throws Exception {
    Path shared = Files.createDirectory(dir.resolve("shared"));
    Path file = Files.createSymbolicLink(shared.resolve("support-packet-audit.jsonl"), Path.of("/dev/zero"));
    Path fallback = Files.createDirectory(dir.resolve("state")).resolve("support-packet-audit.jsonl");
    FileTarget.Settings s = new FileTarget.Settings();
    s.fallback = () -> fallback;
    target(file, s).write(List.of(record(1)));
    assertTrue(Files.isSymbolicLink(file));
    List<String> l = lines(fallback);
    assertEquals(2, l.size(), "record and seal, in the fallback: " + l);
    assertTrue(l.get(0).contains("/tmp/p1.zip"), l::toString);
  }

  @Test
  void aPrecreatedFileOthersCanWriteIsNotUsed() throws Exception {
    Path file = Files.createFile(dir.resolve("support-packet-audit.jsonl"));
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));
    dev.supportpacket.agent.packet.PrivateFiles.UntrustedFileException e = assertThrows(
        dev.supportpacket.agent.packet.PrivateFiles.UntrustedFileException.class,
        () -> target(file, new FileTarget.Settings()).write(List.of(record(1))));
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    assertEquals(0, Files.size(file));
  }

  @Test
  void theChainContinuesWhenTheLastSealIsManyChunksBack() throws Exception {
    Path file = dir.resolve("support-packet-audit.jsonl");
    FileTarget.Settings s = new FileTarget.Settings();
    s.sealEvery = 150;
    FileTarget t = target(file, s);
    String filler = "x".repeat(1500);
    for (int i = 0; i < 320; i++) {
      t.write(List.of(AuditRecord.builder(AuditRecord.PACKET_CREATE).meta("n", i).meta("pad", filler).build()));
    }
    assertTrue(Files.size(file) > 6 * FileTarget.CHUNK, "the last seal lies chunks back: " + Files.size(file));
    List<String> l = lines(file);
    assertEquals(322, l.size(), "320 records and 2 seals");
    assertChained(l);
    assertEquals(2, l.stream().filter(x -> x.contains("\"event\":\"" + AuditRecord.SEAL + "\"")).count());
  }

  @Test
  void theDefaultKeyLivesInTheStateDirectoryNotBesideTheLog() throws Exception {
    Path file = dir.resolve("support-packet-audit.jsonl");
    Path state = Files.createDirectory(dir.resolve("state"));
    FileTarget.Settings s = new FileTarget.Settings();
    FileTarget t = new FileTarget("t", r -> file, AuditFormat.json(null), true, EnumSet.allOf(AuditRecord.Level.class), s);
    s.keyDirectory = () -> Optional.of(state);
    t.write(List.of(record(1)));
    assertTrue(Files.exists(state.resolve(AuditFiles.DEFAULT_KEY)));
    assertTrue(Files.exists(state.resolve("support-packet-audit.pub")), "the public key beside it, for audit verify");
    assertFalse(Files.exists(dir.resolve("support-packet-audit.key")), "no key beside the packets");
  }

  static final class RecordingTarget implements AuditTarget {
    final List<AuditRecord> got;
    final EnumSet<AuditRecord.Level> levels;

    RecordingTarget(List<AuditRecord> got, EnumSet<AuditRecord.Level> levels) {
      this.got = got;
      this.levels = levels;
    }

    @Override
    public String name() {
      return "recording";
    }

    @Override
    public boolean accepts(AuditRecord.Level level) {
      return levels.contains(level);
    }

    @Override
    public void write(List<AuditRecord> batch) {
      got.addAll(batch);
    }
  }
}
