package dev.supportpacket.agent.boot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NestedJarTest {
  private static final byte[] CLASS_BYTES = "not really a class, but many bytes to deflate: aaaaaaaaaaaaaaaaaaaaaaaaaaaa"
      .getBytes(StandardCharsets.UTF_8);

  @Test
  void readsEntriesOfTheStoredJarInPlace(@TempDir Path dir) throws Exception {
    NestedJar jar = NestedJar.open(outer(dir), "impl.jar");
    assertTrue(jar.contains("a/B.class"));
    assertArrayEquals(CLASS_BYTES, jar.read("a/B.class"));
    assertNull(jar.read("a/Missing.class"));
  }

  /** Collectors are interrupted at their deadlines, often in the middle of loading a class of ours. */
  @Test
  void aReaderThatIsInterruptedBreaksNoLaterRead(@TempDir Path dir) throws Exception {
    NestedJar jar = NestedJar.open(outer(dir), "impl.jar");
    Thread.currentThread().interrupt();
    try {
      assertArrayEquals(CLASS_BYTES, jar.read("a/B.class"));
    } finally {
      Thread.interrupted();
    }
    assertArrayEquals(CLASS_BYTES, jar.read("a/B.class"));
  }

  /** An outer zip holding impl.jar stored (uncompressed), which holds a/B.class deflated: the agent jar's shape. */
  private static Path outer(Path dir) throws Exception {
    ByteArrayOutputStream inner = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(inner)) {
      z.putNextEntry(new ZipEntry("a/B.class"));
      z.write(CLASS_BYTES);
      z.closeEntry();
    }
    byte[] implJar = inner.toByteArray();
    CRC32 crc = new CRC32();
    crc.update(implJar);
    ZipEntry stored = new ZipEntry("impl.jar");
    stored.setMethod(ZipEntry.STORED);
    stored.setSize(implJar.length);
    stored.setCompressedSize(implJar.length);
    stored.setCrc(crc.getValue());
    Path outer = dir.resolve("agent.jar");
    try (OutputStream os = Files.newOutputStream(outer); ZipOutputStream z = new ZipOutputStream(os)) {
      z.putNextEntry(new ZipEntry("META-INF/MANIFEST.MF"));
      z.write("Manifest-Version: 1.0\n".getBytes(StandardCharsets.UTF_8));
      z.closeEntry();
      z.putNextEntry(stored);
      z.write(implJar);
      z.closeEntry();
    }
    return outer;
  }
}
