package dev.supportpacket.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.supportpacket.agent.audit.AuditConfig;
import dev.supportpacket.agent.audit.AuditFiles;
import dev.supportpacket.agent.audit.AuditLog;
import dev.supportpacket.agent.audit.AuditRecord;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * attach.jar audit verify against audit files written by the agent's own file target, configured as a site would
 * (the key beside the file, so that the tests keep out of the user's state directory), then edited as an intruder
 * would.
 */
class AuditVerifierTest {
  @TempDir Path dir;

  private Path file() {
    return dir.resolve("support-packet-audit.jsonl");
  }

  /** Writes {@code n} records, one batch each (a seal after each), through a file target with {@code options}. */
  private Path write(int n, String options, String top) throws Exception {
    Path file = file();
    Path config = Files.writeString(dir.resolve("audit.yaml"), top + "targets:\n  t:\n    type: file\n    options: {"
        + "filename: " + file + ", signing_key_file: " + dir.resolve("support-packet-audit.key") + options + "}\n");
    AuditLog log = AuditConfig.load(config, r -> file, System.err);
    for (int i = 0; i < n; i++) {
      log.submit(AuditRecord.builder(AuditRecord.PACKET_CREATE).status(AuditRecord.Status.SUCCESS).user("alice")
          .client("attach-cli/1").clientHost("box").meta("packet", "/tmp/p" + i + ".zip").meta("size", 10L + i)
          .build());
      assertTrue(log.awaitIdle(30_000), "record " + i + " written");
      Thread.sleep(2); // distinct rotation stamps
    }
    return file;
  }

  private Path write(int n) throws Exception {
    return write(n, "", "");
  }

  private List<String> lines(Path f) throws IOException {
    return new ArrayList<>(Files.readAllLines(f, StandardCharsets.UTF_8));
  }

  private static AuditVerifier.Result verify(Path p) throws IOException {
    return new AuditVerifier(null, null).verify(p);
  }

  @Test
  void aChainAsTheAgentWritesItIsIntact() throws Exception {
    Path file = write(3);
    AuditVerifier.Result r = verify(file);
    assertNull(r.problem, r.notes::toString);
    assertTrue(r.notes.get(0).contains("3 records") && r.notes.get(0).contains("3 seal(s)"), r.notes::toString);
    assertTrue(verify(dir).intact(), "every audit file of the directory");
  }

  @Test
  void namesAnEditedLine() throws Exception {
    Path file = write(3);
    List<String> l = lines(file);
    l.set(2, l.get(2).replace("alice", "mallory"));
    Files.write(file, l);
    AuditVerifier.Result r = verify(file);
    assertFalse(r.intact());
    assertTrue(r.problem.startsWith("support-packet-audit.jsonl line 3 (seq 3) was edited"), r.problem);
  }

  @Test
  void namesADeletedLine() throws Exception {
    Path file = write(3);
    List<String> l = lines(file);
    l.remove(2);
    Files.write(file, l);
    AuditVerifier.Result r = verify(file);
    assertTrue(r.problem.contains("line 3: records seq 3 are missing"), r.problem);
  }

  @Test
  void namesReorderedLines() throws Exception {
    Path file = write(3);
    List<String> l = lines(file);
    Collections.swap(l, 2, 3);
    Files.write(file, l);
    AuditVerifier.Result r = verify(file);
    assertTrue(r.problem.contains("line 3: records seq 3 are missing") || r.problem.contains("reordered"), r.problem);
    Collections.swap(l, 2, 3);
    Collections.swap(l, 2, 4);
    Files.write(file, l);
    assertFalse(verify(file).intact());
  }

  @Test
  void namesATruncatedFile() throws Exception {
    Path file = write(2);
    byte[] all = Files.readAllBytes(file);
    Files.write(file, java.util.Arrays.copyOf(all, all.length - 20));
    assertTrue(verify(file).problem.contains("cut off"), verify(file).problem);
  }

  @Test
  void anEditedSealDoesNotVerify() throws Exception {
    Path file = write(2);
    List<String> l = lines(file);
    l.set(3, l.get(3).replace("\"to\":3", "\"to\":2"));
    Files.write(file, l);
    assertTrue(verify(file).problem.contains("line 4: seal signature does not verify"), verify(file).problem);
  }

  @Test
  void followsTheChainAcrossRotatedFilesAndNamesAMissingOne() throws Exception {
    Path file = write(6, ", max_size: 600B", "");
    List<Path> rotated = AuditFiles.rotatedFiles(file);
    assertTrue(rotated.size() >= 2, rotated::toString);
    AuditVerifier.Result r = verify(dir);
    assertNull(r.problem, r.notes::toString);
    AuditVerifier.Result one = verify(file);
    assertNull(one.problem, one.notes::toString);
    assertTrue(String.join("\n", one.notes).contains("verify the directory to check across files"), one.notes::toString);

    Files.delete(rotated.get(rotated.size() - 1));
    AuditVerifier.Result missing = verify(dir);
    assertTrue(missing.problem.contains("is missing"), missing.problem);
  }

  @Test
  void aFileDeletedByRetentionIsNotMissing() throws Exception {
    Path file = write(8, ", max_size: 600B, max_backups: 1", "");
    assertEquals(1, AuditFiles.rotatedFiles(file).size());
    AuditVerifier.Result r = verify(dir);
    assertNull(r.problem, r.notes::toString);
    assertTrue(String.join("\n", r.notes).contains("deleted by retention (max_backups)"), r.notes::toString);
  }

  @Test
  void aKeyKeptElsewhereIsGivenAndAWrongOneIsNamed() throws Exception {
    Path file = write(2);
    Path safe = Files.createDirectory(dir.resolve("safe"));
    Files.move(dir.resolve("support-packet-audit.pub"), safe.resolve("audit.pub"));
    Files.delete(dir.resolve("support-packet-audit.key"));
    AuditVerifier.Result withKey = new AuditVerifier(safe.resolve("audit.pub"), null).verify(file);
    assertNull(withKey.problem, withKey.notes::toString);
    try {
      // Without it: the user's state directory may hold some other key of hers, which is then named as not the one.
      assertFalse(verify(file).intact());
    } catch (IllegalArgumentException e) {
      assertTrue(e.getMessage().contains("--public-key"), e.getMessage());
    }
  }

  @Test
  void aKeyedChainNeedsItsKeyGivenAsAFile() throws Exception {
    byte[] key = new byte[32];
    new java.security.SecureRandom().nextBytes(key);
    Path keyFile = Files.writeString(dir.resolve("chain.hmac"), Base64.getEncoder().encodeToString(key));
    Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
    Path file = write(2, "", "hmac_key_file: " + keyFile + "\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> verify(file));
    assertTrue(e.getMessage().contains("--hmac-key-file"), e.getMessage());

    StringWriter out = new StringWriter();
    CommandLine cl = new CommandLine(new AuditCommand());
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(out, true));
    assertEquals(ExitCode.OK.code, cl.execute("verify", file.toString(), "--hmac-key-file", keyFile.toString()),
        out::toString);
    assertTrue(out.toString().contains(": intact"), out.toString());
    List<String> l = lines(file);
    l.set(0, l.get(0).replace("alice", "mallory"));
    Files.write(file, l);
    assertEquals(ExitCode.AUDIT_TAMPERED.code, cl.execute("verify", file.toString(), "--hmac-key-file",
        keyFile.toString()));
  }
}
