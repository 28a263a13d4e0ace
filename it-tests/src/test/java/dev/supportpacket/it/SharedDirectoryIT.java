package dev.supportpacket.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.supportpacket.it.apps.CpuBurnerApp;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * A root target writes packets into a 1777 directory where another real user (made here with useradd) planted files
 * under our names: nothing of hers is followed, appended to or signed with, and the records are kept elsewhere.
 */
@ResourceLock(value = "cpu-profile", mode = ResourceAccessMode.READ)
class SharedDirectoryIT {
  private static final String OTHER = "sp-other";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String AUDIT = "support-packet-audit.jsonl";

  @TempDir Path dir;
  private Path shared;
  private Path state;

  @BeforeAll
  static void anotherUser() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "needs root to make another user and act as her");
    if (run("id", "-u", OTHER) != 0) {
      assertEquals(0, run("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", OTHER));
    }
  }

  private void sharedDirectories() throws Exception {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    shared = Files.createDirectory(dir.resolve("shared"));
    assertEquals(0, run("chmod", "1777", shared.toString()));
    state = Files.createDirectory(dir.resolve("state"), PosixFilePermissions.asFileAttribute(
        PosixFilePermissions.fromString("rwx------")));
  }

  /** A packet into the shared directory by a root target whose state directory is {@link #state}. */
  private Cli.Result packet() throws Exception {
    try (TargetJvm target = TargetJvm.start(Jdk.JDK17, CpuBurnerApp.class, dir, List.of(),
        Map.of("XDG_STATE_HOME", state.toString()), List.of())) {
      Cli.Result r = Cli.run(Long.toString(target.pid()), "--duration", "1", "--output", shared.toString());
      assertEquals(0, r.exit, r::toString);
      return r;
    }
  }

  @Test
  void anotherUsersSymlinkAsTheAuditFileIsNotFollowed() throws Exception {
    sharedDirectories();
    Path victim = Files.writeString(dir.resolve("root-only.txt"), "root only\n");
    Files.setPosixFilePermissions(victim, PosixFilePermissions.fromString("rw-------"));
    Path link = shared.resolve(AUDIT);
    assertEquals(0, asOther("ln", "-s", victim.toString(), link.toString()));

    Cli.Result r = packet();
    assertEquals("root only\n", Files.readString(victim), "nothing appended through her link");
    assertTrue(Files.isSymbolicLink(link));
    assertRecordIn(state.resolve("support-packet").resolve(AUDIT), r.packet());
    String report = new PacketZip(r.packet()).text("report.txt");
    assertTrue(report.contains(link + " is a symbolic link"), report);
  }

  @Test
  void anotherUsersPrecreatedWritableLogIsNotUsed() throws Exception {
    sharedDirectories();
    Path log = shared.resolve(AUDIT);
    assertEquals(0, asOther("sh", "-c", "umask 0 && : > " + log + " && chmod 666 " + log));

    Cli.Result r = packet();
    assertEquals(0, Files.size(log), "her log got nothing");
    assertRecordIn(state.resolve("support-packet").resolve(AUDIT), r.packet());
    String report = new PacketZip(r.packet()).text("report.txt");
    assertTrue(report.contains("belongs to " + OTHER), report);
  }

  @Test
  void anotherUsersKeyInTheSharedDirectoryDoesNotSignOurSeals() throws Exception {
    sharedDirectories();
    KeyPair hers = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    String pub = Base64.getEncoder().encodeToString(hers.getPublic().getEncoded());
    String keyText = "private: " + Base64.getEncoder().encodeToString(hers.getPrivate().getEncoded()) + "\npublic: "
        + pub + "\n";
    Path key = shared.resolve("support-packet-audit.key");
    Path herPub = shared.resolve("support-packet-audit.pub");
    Files.writeString(key, keyText);
    Files.writeString(herPub, "public: " + pub + "\n");
    assertEquals(0, run("chown", OTHER, key.toString(), herPub.toString()));

    Cli.Result r = packet();
    Path log = shared.resolve(AUDIT);
    assertEquals(System.getProperty("user.name"), Files.getOwner(log, LinkOption.NOFOLLOW_LINKS).getName());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(log)));
    assertRecordIn(log, r.packet());
    JsonNode seal = records(log).stream().filter(n -> n.path("event").asText().equals("audit.seal")).findFirst()
        .orElseThrow(() -> new AssertionError("no seal"));
    String herKeyId = keyId(hers.getPublic().getEncoded());
    assertNotEquals(herKeyId, seal.path("meta").path("keyId").asText(), "sealed with her key");
    Path ourPub = state.resolve("support-packet").resolve("support-packet-audit.pub");
    assertTrue(Files.exists(ourPub), "our key is in the state directory");
    assertEquals(keyText, Files.readString(key), "her key untouched");
    assertEquals(0, asOther("test", "!", "-r", state.resolve("support-packet/support-packet-audit.key").toString()));
    Cli.Result verify = Cli.run("audit", "verify", log.toString(), "--public-key", ourPub.toString());
    assertEquals(0, verify.exit, verify::toString);
  }

  private static void assertRecordIn(Path log, Path packet) throws Exception {
    assertTrue(Files.exists(log), log + " missing");
    List<JsonNode> all = records(log);
    assertTrue(all.stream().anyMatch(n -> n.path("event").asText().equals("packet.create")
        && n.path("meta").path("packet").asText().equals(packet.toString())
        && n.path("status").asText().equals("success")), all::toString);
  }

  private static List<JsonNode> records(Path log) throws Exception {
    List<JsonNode> l = new ArrayList<>();
    for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
      l.add(JSON.readTree(line));
    }
    return l;
  }

  private static String keyId(byte[] publicKey) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(publicKey)).substring(0, 16);
  }

  private static int asOther(String... cmd) throws Exception {
    List<String> full = new ArrayList<>(List.of("runuser", "-u", OTHER, "--"));
    full.addAll(List.of(cmd));
    return run(full.toArray(new String[0]));
  }

  static int run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", cmd) + " hung");
    return p.exitValue();
  }
}
