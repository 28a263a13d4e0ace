package dev.supportpacket.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The copy of the agent jar the target loads: reused without reading it back when it can be, replaced when not. */
class AgentJarTest {
  private static final AgentJar.Handover MODE_ONLY = (file, mode) -> Files.setPosixFilePermissions(file, mode);

  @Test
  void aCopyWrittenBeforeTheMachineBootedIsCheckedAndReplacedWhenItsBytesAreWrong(@TempDir Path dir) throws Exception {
    Path copy = AgentJar.extract(dir, "", MODE_ONLY);
    byte[] good = Files.readAllBytes(copy);
    scramble(copy, FileTime.from(Instant.EPOCH));
    assertEquals(copy, AgentJar.extract(dir, "", MODE_ONLY));
    assertArrayEquals(good, Files.readAllBytes(copy), "blocks a crash never flushed are not loaded into a JVM");
  }

  /** The other side of the bargain: the reason the common case skips reading back 5 MB. */
  @Test
  void aCopyWrittenSinceTheMachineBootedIsReusedWithoutReadingItBack(@TempDir Path dir) throws Exception {
    Path copy = AgentJar.extract(dir, "", MODE_ONLY);
    scramble(copy, FileTime.from(Instant.now()));
    byte[] scrambled = Files.readAllBytes(copy);
    assertEquals(copy, AgentJar.extract(dir, "", MODE_ONLY));
    assertArrayEquals(scrambled, Files.readAllBytes(copy));
  }

  @Test
  void staleCopiesAreRemovedWhenANewCopyIsPlacedNotWhenOneIsReused(@TempDir Path dir) throws Exception {
    Path copy = AgentJar.extract(dir, "", MODE_ONLY);
    Path stale = Files.write(dir.resolve("agent-0badc0de-1234.jar"), new byte[1234]);
    Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minus(Duration.ofHours(1))));
    AgentJar.extract(dir, "", MODE_ONLY);
    assertTrue(Files.exists(stale), "reusing a copy does not look at every process's open files");
    Files.delete(copy);
    assertEquals(copy, AgentJar.extract(dir, "", MODE_ONLY));
    assertFalse(Files.exists(stale), "placing a copy removes those of other versions no process holds open");
  }

  /** Same size, other bytes, as a crash can leave a file; then the time given. */
  /** The name carries the CRC as 8 hex digits, as copies placed by earlier versions are named. */
  @Test
  void namesACopyByItsCrcInEightHexDigitsAndItsSize() {
    assertEquals("agent-00001a2b-5.jar", AgentJar.name(0x1a2bL, 5, ""));
    assertEquals("agent-ffffffff-5123456-1000.jar", AgentJar.name(0xffffffffL, 5123456, "-1000"));
    assertEquals("agent-00000000-0.jar", AgentJar.name(0, 0, ""));
  }

  private static void scramble(Path copy, FileTime time) throws IOException {
    byte[] b;
    try (InputStream in = Files.newInputStream(copy)) {
      b = in.readAllBytes();
    }
    for (int i = 0; i < b.length; i += 512) {
      b[i] ^= 0x5a;
    }
    copy.toFile().setWritable(true, true);
    Files.write(copy, b);
    Files.setLastModifiedTime(copy, time);
  }
}
