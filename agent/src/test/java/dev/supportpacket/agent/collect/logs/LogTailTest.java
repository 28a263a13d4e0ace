package dev.supportpacket.agent.collect.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogTailTest {

  @Test
  void tailStartsAfterTheFirstNewlineInsideTheWindow(@TempDir Path dir) throws Exception {
    Path log = Files.writeString(dir.resolve("app.log"), "first line\nsecond line\nthird\n");
    StringWriter out = new StringWriter();
    // The last 10 bytes start inside "second line": that line is left out whole.
    LogTail.Copied c = LogTail.copy(log, false, false, 10, out);
    assertEquals("third\n", out.toString());
    assertEquals(29, c.length);
    assertEquals(23, c.from);
    assertEquals(6, c.bytes);
  }

  @Test
  void windowThatStartsOnALineBoundaryKeepsThatLine(@TempDir Path dir) throws Exception {
    Path log = Files.writeString(dir.resolve("app.log"), "aaaa\nbbbb\ncccc\n");
    StringWriter out = new StringWriter();
    // The window's first byte is the newline that ends "aaaa": "bbbb" is complete.
    LogTail.copy(log, false, false, 11, out);
    assertEquals("bbbb\ncccc\n", out.toString());
    StringWriter exact = new StringWriter();
    // The window starts right after a newline: its first line is whole and kept.
    LogTail.copy(log, false, false, 10, exact);
    assertEquals("bbbb\ncccc\n", exact.toString());
  }

  @Test
  void smallFileIsCopiedWhole(@TempDir Path dir) throws Exception {
    Path log = Files.writeString(dir.resolve("app.log"), "one\ntwo\n");
    StringWriter out = new StringWriter();
    LogTail.Copied c = LogTail.copy(log, false, true, 1024, out);
    assertEquals("one\ntwo\n", out.toString());
    assertEquals(0, c.from);
    assertEquals(8, c.bytes);
  }

  @Test
  void halfWrittenLastLineOfAnActiveLogIsLeftOut(@TempDir Path dir) throws Exception {
    Path log = Files.writeString(dir.resolve("app.log"), "done\nhalf writ");
    StringWriter out = new StringWriter();
    LogTail.Copied c = LogTail.copy(log, false, true, 1024, out);
    assertEquals("done\n", out.toString());
    assertEquals(5, c.bytes);
  }

  @Test
  void lastLineWithoutNewlineOfARolledLogIsKept(@TempDir Path dir) throws Exception {
    Path log = Files.writeString(dir.resolve("app-1.log"), "done\nlast");
    StringWriter out = new StringWriter();
    LogTail.copy(log, false, false, 1024, out);
    assertEquals("done\nlast\n", out.toString());
  }

  @Test
  void gzipFileIsDecompressedAndTailedByItsDecompressedLength(@TempDir Path dir) throws Exception {
    StringBuilder content = new StringBuilder();
    for (int i = 0; i < 10_000; i++) {
      content.append("line ").append(i).append('\n');
    }
    Path gz = dir.resolve("app-1.log.gz");
    try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(gz))) {
      o.write(content.toString().getBytes(StandardCharsets.UTF_8));
    }
    StringWriter out = new StringWriter();
    LogTail.Copied c = LogTail.copy(gz, true, false, 100, out);
    assertEquals(content.length(), c.length);
    assertTrue(out.toString().endsWith("line 9999\n"), out.toString());
    assertTrue(out.toString().startsWith("line "), out.toString());
    assertTrue(out.toString().length() <= 100);
    assertFalse(out.toString().contains("line 9990\n") && out.toString().startsWith("ne"));
  }

  @Test
  void windowWithoutAnyNewlineGivesNothing(@TempDir Path dir) throws Exception {
    Path log = Files.writeString(dir.resolve("app.log"), "x".repeat(1000) + "\n");
    StringWriter out = new StringWriter();
    LogTail.Copied c = LogTail.copy(log, false, false, 100, out);
    assertEquals("", out.toString());
    assertEquals(0, c.bytes);
  }
}
