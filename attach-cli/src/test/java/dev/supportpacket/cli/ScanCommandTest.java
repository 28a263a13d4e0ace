package dev.supportpacket.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ScanCommandTest {
  @TempDir Path dir;

  private Path packet(String log) throws Exception {
    Path z = dir.resolve("p.zip");
    try (OutputStream os = Files.newOutputStream(z); ZipOutputStream zos = new ZipOutputStream(os)) {
      zos.putNextEntry(new ZipEntry("app.log"));
      zos.write(log.getBytes(StandardCharsets.UTF_8));
      zos.closeEntry();
    }
    return z;
  }

  private int run(StringWriter out, String... args) {
    CommandLine cl = new CommandLine(new ScanCommand());
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(out, true));
    return cl.execute(args);
  }

  @Test
  void exitCodesSayCleanFoundOrUnreadable() throws Exception {
    StringWriter out = new StringWriter();
    assertEquals(ExitCode.OK.code, run(out, packet("all fine\n").toString()));
    out = new StringWriter();
    assertEquals(ExitCode.SECRETS_FOUND.code, run(out, packet("token=abcdef123456\n").toString()));
    assertTrue(out.toString().contains("app.log line 1: assignment"), out.toString());
    assertFalse(out.toString().contains("abcdef123456"), out.toString());
    assertEquals(ExitCode.USAGE.code, run(new StringWriter(), dir.resolve("missing.zip").toString()));
  }
}
