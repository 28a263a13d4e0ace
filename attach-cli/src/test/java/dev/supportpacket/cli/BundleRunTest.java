package dev.supportpacket.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

  @Test
  void theSummaryPassesTheSanitizer(@TempDir Path dir) throws Exception {
    String secret = "hunter2-" + System.nanoTime();
    BundleRun.Outcome failed = BundleRun.Outcome.failed("42", "shop", ExitCode.AGENT_FAILED,
        "the agent said: cannot read /etc/app.conf with password=" + secret);
    BundleRun.Outcome taken = new BundleRun.Outcome("43", "billing", "-", zip(dir.resolve("p.zip"), "findings.json",
        "{\"findings\":[{\"title\":\"login failed for password=" + secret + "\"}]}"), true, ExitCode.OK, "");
    String summary = BundleRun.summary(List.of(failed, taken), CliSanitizer.create(null, null)
        .forEntry("summary.txt"));
    assertFalse(summary.contains(secret), summary);
    assertTrue(summary.startsWith("support bundle of 2 JVM(s)"), summary);
    assertTrue(summary.contains("pid 42 (shop, container ?): FAILED (exit "), summary);
    assertTrue(summary.contains("  packet: 43-billing/p.zip"), summary);
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
