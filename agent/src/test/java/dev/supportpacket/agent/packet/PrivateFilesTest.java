package dev.supportpacket.agent.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrivateFilesTest {
  @TempDir Path dir;

  @Test
  void createNewRefusesAnExistingNameAndADanglingLink() throws Exception {
    Path victim = dir.resolve("victim");
    Path link = Files.createSymbolicLink(dir.resolve("planted"), victim);
    assertThrows(FileAlreadyExistsException.class, () -> PrivateFiles.createNew(link));
    assertFalse(Files.exists(victim), "nothing created through the link");
    Path taken = Files.writeString(dir.resolve("taken"), "hers");
    assertThrows(FileAlreadyExistsException.class, () -> PrivateFiles.createNew(taken));
    assertEquals("hers", Files.readString(taken));
  }

  @Test
  void createdFilesAreOwnerOnly() throws Exception {
    try (FileChannel ch = PrivateFiles.createNew(dir.resolve("f"))) {
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("f"))));
    }
    Path deep = PrivateFiles.createDirectories(dir.resolve("a/b/c"));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(deep)));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("a"))));
  }

  @Test
  void publishNeverReplacesAnExistingFile() throws Exception {
    Path written = Files.writeString(dir.resolve(".part"), "ours");
    Path existing = Files.writeString(dir.resolve("final.zip"), "hers");
    assertThrows(FileAlreadyExistsException.class, () -> PrivateFiles.publish(written, existing));
    assertEquals("hers", Files.readString(existing));
    assertEquals(dir.resolve("new.zip"), PrivateFiles.publish(written, dir.resolve("new.zip")));
    assertEquals("ours", Files.readString(dir.resolve("new.zip")));
    assertFalse(Files.exists(written));
  }

  @Test
  void temporaryNamesAreUnpredictableAndTellTheirPid() {
    Path a = PrivateFiles.temporaryName(dir, ".work");
    Path b = PrivateFiles.temporaryName(dir, ".work");
    assertNotEquals(a, b);
    assertEquals(Optional.of(ProcessHandle.current().pid()), PrivateFiles.leftoverPid(a.getFileName().toString()));
    assertEquals(Optional.empty(), PrivateFiles.leftoverPid(".support-packet-12-000000-abc.work"), "another host's");
    assertEquals(Optional.empty(), PrivateFiles.leftoverPid("support-packet-audit.jsonl"));
  }

  @Test
  void openOwnedRefusesALinkAndAFileOthersCanWrite() throws Exception {
    Path victim = Files.writeString(dir.resolve("victim"), "root only");
    Path link = Files.createSymbolicLink(dir.resolve("audit.jsonl"), victim);
    PrivateFiles.UntrustedFileException e = assertThrows(PrivateFiles.UntrustedFileException.class,
        () -> PrivateFiles.openOwned(link, "audit file", StandardOpenOption.WRITE));
    assertTrue(e.getMessage().contains("audit file " + link + " is a symbolic link"), e.getMessage());
    Path open = Files.createFile(dir.resolve("open.jsonl"));
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-rw-rw-"));
    e = assertThrows(PrivateFiles.UntrustedFileException.class,
        () -> PrivateFiles.openOwned(open, "audit file", StandardOpenOption.WRITE));
    assertTrue(e.getMessage().contains("writable by group or others") && e.getMessage().contains("chmod 600"),
        e.getMessage());
    Files.createDirectory(dir.resolve("d.lock"));
    assertThrows(PrivateFiles.UntrustedFileException.class,
        () -> PrivateFiles.openOwned(dir.resolve("d.lock"), "audit lock", StandardOpenOption.WRITE));
    assertEquals("root only", Files.readString(victim));
    try (FileChannel ch = PrivateFiles.openOwned(dir.resolve("new.jsonl"), "audit file", StandardOpenOption.WRITE)) {
      assertTrue(Files.isRegularFile(dir.resolve("new.jsonl"), LinkOption.NOFOLLOW_LINKS), "created when missing");
    }
  }

  @Test
  void readOwnedRefusesAFileTooLargeToBeAKey() throws Exception {
    Path big = dir.resolve("big.key");
    try (FileChannel ch = PrivateFiles.createNew(big)) {
      ch.truncate(0);
      ch.write(java.nio.ByteBuffer.allocate(1), 1L << 30); // 1 GB, sparse
    }
    assertThrows(java.io.IOException.class, () -> PrivateFiles.readOwned(big, "audit key", 64 * 1024));
  }

  @Test
  void leftoversOfADeadPidAreRemovedAndARawHeapDumpIsNamed() throws Exception {
    Process dead = new ProcessBuilder("true").start();
    dead.waitFor();
    long pid = dead.pid();
    String mine = PrivateFiles.temporaryName(dir, ".work").getFileName().toString();
    String deadName = mine.replaceFirst("^\\.support-packet-\\d+-", ".support-packet-" + pid + "-");
    Path work = Files.createDirectory(dir.resolve(deadName));
    Files.write(work.resolve("heap-2.hprof"), new byte[3 * 1024 * 1024]);
    Path part = Files.createFile(dir.resolve(deadName.replace(".work", ".part")));
    Path live = Files.createDirectory(dir.resolve(mine));
    List<String> removed = PrivateFiles.removeLeftovers(dir);
    assertEquals(2, removed.size(), removed::toString);
    assertTrue(removed.stream().anyMatch(l -> l.contains("raw, unscrubbed heap dump heap-2.hprof (3 MB)")),
        removed::toString);
    assertFalse(Files.exists(work));
    assertFalse(Files.exists(part));
    assertTrue(Files.exists(live), "a live JVM's work directory stays");
  }
}
