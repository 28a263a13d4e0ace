package dev.supportpacket.agent.collect.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.supportpacket.agent.collect.Collector;
import dev.supportpacket.agent.options.PacketOptions;
import dev.supportpacket.agent.packet.MemorySink;
import dev.supportpacket.agent.packet.Packet;
import dev.supportpacket.agent.sanitize.Sanitizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogFilesCollectorTest {
  /** 64 bytes, like a short log line. */
  private static final String LINE = "2024-05-01 12:00:00.000 INFO  request handled in 12 ms id=00001\n";

  @Test
  void activeTailsComeFirstThenTheNewestRolledFilesUntilTheBudgetIsUsed(@TempDir Path dir) throws Exception {
    Path active = megabytes(dir.resolve("app.log"), 3, 0);
    Path newest = megabytes(dir.resolve("app-2.log"), 1, 10);
    Path oldest = megabytes(dir.resolve("app-1.log"), 1, 20);
    MemorySink sink = new MemorySink();
    PacketOptions options = PacketOptions.builder().logTailMb(2).logBudgetMb(3).build();
    new LogFilesCollector().write(List.of(
        new LogFile(oldest, LogFile.Role.ROLLED, "test"),
        new LogFile(active, LogFile.Role.ACTIVE, "test"),
        new LogFile(newest, LogFile.Role.ROLLED, "test")), List.of("checked"), options,
        new Packet(Sanitizer.withRandomKey(), sink));

    String tail = sink.text(entry(active));
    // 2 MB tail of a 3 MB file: the window starts on a line boundary, so it holds whole lines only.
    assertEquals(2 * 1024 * 1024, tail.length());
    assertTrue(tail.startsWith(LINE) && tail.endsWith(LINE));
    assertEquals(1024 * 1024, sink.text(entry(newest)).length(), "the newest rolled file fits the budget whole");
    assertNull(sink.text(entry(oldest)), "the budget is used up before the oldest");
    String index = sink.text("logs/index.yaml");
    assertTrue(index.contains("used up"), index);
    assertTrue(index.contains("complete: false"), index);
  }

  @Test
  void secretsInLogsAreScrubbed(@TempDir Path dir) throws Exception {
    Path log = Files.writeString(dir.resolve("app.log"), "login password=hunter2hunter2 ok\n");
    MemorySink sink = new MemorySink();
    new LogFilesCollector().write(List.of(new LogFile(log, LogFile.Role.ACTIVE, "test")), List.of(),
        PacketOptions.builder().build(), new Packet(Sanitizer.withRandomKey(), sink));
    String text = sink.text(entry(log));
    assertFalse(text.contains("hunter2"), text);
    assertTrue(text.startsWith("login password=[REDACTED:"), text);
  }

  @Test
  void aBinaryFileIsListedWithItsReasonNotCopiedAsText(@TempDir Path dir) throws Exception {
    byte[] noise = new byte[1 << 20];
    new java.util.Random(7).nextBytes(noise);
    Path bin = Files.write(dir.resolve("app.log"), noise);
    Path text = Files.writeString(dir.resolve("other.log"), "plain line, caf\u00e9 \u2013 ok\n\u001b[32mgreen\u001b[0m\n");
    MemorySink sink = new MemorySink();
    new LogFilesCollector().write(List.of(new LogFile(bin, LogFile.Role.ACTIVE, "test"),
        new LogFile(text, LogFile.Role.ACTIVE, "test")), List.of(), PacketOptions.builder().build(),
        new Packet(Sanitizer.withRandomKey(), sink));
    assertNull(sink.text(entry(bin)), "a binary file is not copied as text");
    assertTrue(sink.text(entry(text)).startsWith("plain line"));
    String index = sink.text("logs/index.yaml");
    assertTrue(index.contains("binary content, not a text log: a NUL byte in its first 8192 bytes"), index);
  }

  @Test
  void aLogDeletedWhileOpenIsReadThroughTheDescriptorAndMarkedDeleted(@TempDir Path dir) throws Exception {
    Path log = Files.writeString(Files.createDirectories(dir.resolve("logs")).resolve("gone.log"),
        "written before the delete\n");
    try (java.io.InputStream held = Files.newInputStream(log)) {
      Files.delete(log);
      LogDiscovery discovery = LogDiscovery.ofThisProcess(dev.supportpacket.agent.collect.LoadedClasses.NONE);
      List<LogFile> found = discovery.discover().stream().filter(f -> f.shownAs.equals(log))
          .collect(java.util.stream.Collectors.toList());
      assertEquals(1, found.size(), discovery.checked()::toString);
      assertTrue(found.get(0).deleted());
      MemorySink sink = new MemorySink();
      new LogFilesCollector().write(found, List.of(), PacketOptions.builder().build(),
          new Packet(Sanitizer.withRandomKey(), sink));
      assertEquals("written before the delete\n", sink.text(entry(log)));
      String index = sink.text("logs/index.yaml");
      assertTrue(index.contains("source: " + log) && index.contains("deleted: true")
          && index.contains("read_through: /proc/self/fd/"), index);
    }
  }

  @Test
  void noLogFileIsSkippedWithWhatWasChecked() {
    Collector.Skipped s = assertThrows(Collector.Skipped.class, () -> new LogFilesCollector().write(List.of(),
        List.of("logback: not started in this JVM", "stdout: pipe:[1], not a file"), PacketOptions.builder().build(),
        new Packet(Sanitizer.withRandomKey(), new MemorySink())));
    assertEquals("no log file found; checked: logback: not started in this JVM; stdout: pipe:[1], not a file",
        s.getMessage());
  }

  private static String entry(Path p) {
    return LogFilesCollector.entryName(new LogFile(p, LogFile.Role.ACTIVE, "test"));
  }

  private static Path megabytes(Path file, int mb, int minutesAgo) throws Exception {
    Files.writeString(file, LINE.repeat(16 * 1024 * mb));
    Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() - minutesAgo * 60_000L));
    return file;
  }
}
