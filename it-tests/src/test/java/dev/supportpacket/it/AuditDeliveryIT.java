package dev.supportpacket.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.supportpacket.it.apps.CpuBurnerApp;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/** Audit records reach their files whatever happens to another file's disk, and a JVM that exits keeps them. */
@ResourceLock(value = "cpu-profile", mode = ResourceAccessMode.READ)
class AuditDeliveryIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String AUDIT = "support-packet-audit.jsonl";

  /**
   * Directory "full" is a small tmpfs. Its audit write first hangs (another process holds the audit lock, as a hung
   * disk would), is stopped at its deadline, and then meets a full disk; meanwhile a packet into a healthy directory
   * gets its record at once. Then the disk is freed and the JVM is stopped while the writer waits between attempts:
   * the exit flushes the record.
   */
  @Test
  void aFullDiskHoldsBackOnlyItsOwnAuditFileAndAnExitingJvmKeepsTheRecord(@TempDir Path dir) throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "needs root to mount a small file system");
    Path full = Files.createDirectory(dir.resolve("full"));
    Path healthy = Files.createDirectory(dir.resolve("healthy"));
    Path state = Files.createDirectory(dir.resolve("state"));
    assertEquals(0, SharedDirectoryIT.run("mount", "-t", "tmpfs", "-o", "size=80m,mode=0700", "tmpfs", full.toString()));
    try (TargetJvm target = TargetJvm.start(Jdk.JDK17, CpuBurnerApp.class, dir, List.of(),
        Map.of("XDG_STATE_HOME", state.toString()), List.of())) {
      Path lockFile = Files.createFile(full.resolve("support-packet-audit.lock"),
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Cli.Result first;
      try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.WRITE); FileLock held = ch.lock()) {
        first = Cli.run(Long.toString(target.pid()), "--duration", "1", "--output", full.toString());
        assertEquals(0, first.exit, first::toString);
        await().atMost(Duration.ofSeconds(30)).until(() -> target.output().stream().anyMatch(l -> l.contains("was stopped")));
        assertEquals(0, SharedDirectoryIT.run("sh", "-c", "dd if=/dev/zero of=" + full.resolve("filler") + " bs=1M"
            + " 2>/dev/null; true"));

        Cli.Result second = Cli.run(Long.toString(target.pid()), "--duration", "1", "--output", healthy.toString());
        assertEquals(0, second.exit, second::toString);
        assertTrue(hasRecordOf(healthy.resolve(AUDIT), second.packet()), "the healthy directory's record is written");
      }
      // Lock released: each attempt now meets the full disk, with a doubling pause between attempts (0.4, 0.8,
      // 1.6, 3.2 s). After 3 s the writer is in its 3.2 s pause, the moment a JVM that exits would lose the record.
      Thread.sleep(3000);
      assertTrue(!hasRecordOf(full.resolve(AUDIT), first.packet()), "the disk is full: not written yet");
      Files.delete(full.resolve("filler"));
      ProcessHandle.of(target.pid()).orElseThrow().destroy(); // SIGTERM: shutdown hooks run
      assertTrue(ProcessHandle.of(target.pid()).map(h -> h.onExit().thenApply(x -> true)).orElseThrow()
          .get(30, TimeUnit.SECONDS));
      assertTrue(hasRecordOf(full.resolve(AUDIT), first.packet()), "the exiting JVM wrote the record it held");
    } finally {
      SharedDirectoryIT.run("umount", "-l", full.toString());
    }
  }

  private static boolean hasRecordOf(Path log, Path packet) throws Exception {
    if (!Files.exists(log)) {
      return false;
    }
    List<JsonNode> all = new ArrayList<>();
    for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
      all.add(JSON.readTree(line));
    }
    return all.stream().anyMatch(n -> n.path("event").asText().equals("packet.create")
        && n.path("meta").path("packet").asText().equals(packet.toString())
        && n.path("status").asText().equals("success"));
  }
}
