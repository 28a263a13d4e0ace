package dev.supportpacket.agent.collect.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.supportpacket.agent.packet.MemorySink;
import dev.supportpacket.agent.packet.Packet;
import dev.supportpacket.agent.sanitize.Sanitizer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Config files are trusted neither by name nor by place: links out of the application and secret-like modes. */
class ConfigFileCheckTest {
  private static final String SHADOW_LINE =
      "root:$6$V0ZtkL4pyk0W$2xvF5S1ivbJmcIDnHCYSzD0P7eTE9s0x0Ajcq9hMnf3wXdWfnxmxo6mKBUvoTm4eXF:19700:0:99999:7:::\n";

  @TempDir Path dir;

  private MemorySink collect(Path app) throws Exception {
    MemorySink sink = new MemorySink();
    new ConfigFilesCollector().collect(new ConfigDiscovery(Map.of(), Map.of(), List.of(), app, List.of()),
        new Packet(Sanitizer.withRandomKey(), sink));
    return sink;
  }

  @Test
  void aLinkFromTheApplicationToAFileOutsideItIsListedWithWhereItLeadsAndNotRead() throws Exception {
    Path app = Files.createDirectories(dir.resolve("app"));
    Path planted = Files.writeString(Files.createDirectories(dir.resolve("etc")).resolve("shadow"), SHADOW_LINE);
    Files.createSymbolicLink(app.resolve("application.yml"), planted);
    MemorySink sink = collect(app);
    assertNull(sink.text("config/application.yml"));
    String index = sink.text("config/index.yaml");
    assertTrue(index.contains("source: " + app.resolve("application.yml")), index);
    assertTrue(index.contains("real_path: " + planted.toRealPath()), index);
    assertTrue(index.contains("a link to " + planted.toRealPath() + ", outside the application's"), index);
    assertFalse(index.contains("V0ZtkL4pyk0W"), index);
  }

  @Test
  void aLinkWithinTheApplicationIsReadAndTheIndexSaysWhereTheFileReallyIs() throws Exception {
    Path app = Files.createDirectories(dir.resolve("app"));
    Path real = Files.writeString(Files.createDirectories(app.resolve("conf")).resolve("real.yml"), "greeting: hi\n");
    Files.createSymbolicLink(app.resolve("application.yml"), real);
    MemorySink sink = collect(app);
    assertEquals("greeting: hi\n", sink.text("config/application.yml"));
    assertTrue(sink.text("config/index.yaml").contains("real_path: " + real.toRealPath()), sink.text("config/index.yaml"));
  }

  @Test
  void aFileOfAnotherUserThatOthersCannotReadIsPermissionedLikeASecret() throws Exception {
    Path f = Files.writeString(dir.resolve("application.yml"), "a: 1\n");
    int owner = (Integer) Files.getAttribute(f, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r-----"));
    Optional<String> otherUser = new ConfigFileCheck(dir, Optional.of(owner + 1)).refusal(f, f.toRealPath());
    assertTrue(otherUser.isPresent() && otherUser.get().startsWith("permissioned like a secret (rw-r-----"),
        otherUser::toString);
    assertEquals(Optional.empty(), new ConfigFileCheck(dir, Optional.of(owner)).refusal(f, f.toRealPath()),
        "the process's own private file is its configuration");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
    assertEquals(Optional.empty(), new ConfigFileCheck(dir, Optional.of(owner + 1)).refusal(f, f.toRealPath()),
        "a file everyone may read is no secret of its owner");
  }

  @Test
  void shadowHashesAreRedactedWhereverAFileIsRead() throws Exception {
    Path app = Files.createDirectories(dir.resolve("app"));
    Files.writeString(app.resolve("application.properties"), "users.root=" + SHADOW_LINE);
    String text = collect(app).text("config/application.properties");
    assertFalse(text.contains("V0ZtkL4pyk0W"), text);
    assertTrue(text.contains("$6$[REDACTED:"), text);
  }
}
