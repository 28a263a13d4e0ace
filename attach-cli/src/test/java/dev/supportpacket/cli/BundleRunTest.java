package dev.supportpacket.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleRunTest {
  @Test
  void summaryNamesTheTopThreeFindingsOfAPacket(@TempDir Path dir) throws Exception {
    Path packet = zip(dir.resolve("p.zip"), "findings.json", "{\"findings\":[{\"title\":\"Heap nearly full\"},"
        + "{\"title\":\"Deadlock between \\\"a\\\" and b\"},{\"title\":\"GC overhead 40%\"},{\"title\":\"fourth\"}]}");
    assertEquals(List.of("Heap nearly full", "Deadlock between \"a\" and b", "GC overhead 40%"),
        BundleRun.topFindings(packet));
  }

  @Test
  void aPacketWithoutFindingsHasNone(@TempDir Path dir) throws Exception {
    assertEquals(List.of(), BundleRun.topFindings(zip(dir.resolve("p.zip"), "report.txt", "ok")));
  }

  private static Path zip(Path file, String name, String content) throws Exception {
    try (OutputStream os = Files.newOutputStream(file); ZipOutputStream z = new ZipOutputStream(os)) {
      z.putNextEntry(new ZipEntry(name));
      z.write(content.getBytes(StandardCharsets.UTF_8));
      z.closeEntry();
    }
    return file;
  }
}
