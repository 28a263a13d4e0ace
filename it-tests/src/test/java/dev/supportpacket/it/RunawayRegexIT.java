package dev.supportpacket.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.supportpacket.it.apps.CpuBurnerApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * A catastrophic regex in the user's rules file meets a log line it backtracks on without end: the packet still
 * completes, the line is replaced whole (never passed on unscanned), report.txt says so, no agent thread is left
 * spinning, and the next packet works.
 *
 * <p>Isolated: its claim is a time (seconds, where the regex ran for minutes before the cap), and beside the suite's
 * other JVMs on 2 cores the same packet took 80-100 s, which says nothing of the cap.
 */
@Isolated
class RunawayRegexIT {
  @Test
  void aRunawayUserRegexCostsOneLineNotThePacketNorTheAgent(@TempDir Path dir) throws Exception {
    // 61 chars, many a's, not ending in one: (.*a){12}$ tries every way to split it, which takes hours.
    String line = "2026-11-30 INFO GET /orders/" + "a".repeat(29) + " 200";
    Path rules = Files.writeString(dir.resolve("rules.yaml"), "patterns:\n  - name: runaway\n    regex: '(.*a){12}$'\n");
    Path out = Files.createDirectories(dir.resolve("out"));
    try (TargetJvm target = TargetJvm.start(Jdk.JDK17, CpuBurnerApp.class, dir, List.of("-Dit.log.line=" + line),
        Map.of(), List.of())) {
      long start = System.nanoTime();
      Cli.Result r = Cli.run(Long.toString(target.pid()), "--duration", "1", "--output", out.toString(), "--rules",
          rules.toString());
      double seconds = (System.nanoTime() - start) / 1e9;
      PacketZip zip = new PacketZip(r.packet());
      String report = zip.text("report.txt");
      assertEquals(0, r.exit, () -> r + "\n" + report);
      // Minutes before the work cap; seconds with it (about 5 s).
      assertTrue(seconds < 60, () -> "the packet took " + seconds + " s\n" + report);
      // The entries' counts (over-budget:runaway) and the note say so, or, where the rule ate those lines of the
      // report too, the lines that replace them.
      assertTrue(report.contains("ran past its work budget"), report);
      boolean replaced = false;
      for (String name : zip.entries().keySet()) {
        String text = new String(zip.entries().get(name), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertFalse(text.contains("aaaaaaaaaaaaaaaaaaaaaaaaaaaaa 200"), name + " holds the unscanned line");
        replaced |= text.contains("[REDACTED:whole line, rule runaway ran past its work budget]");
      }
      assertTrue(replaced, "no entry says where the line was");
      Leftovers.assertNone(Jdk.JDK17, target, out);

      Cli.Result next = Cli.run(Long.toString(target.pid()), "--duration", "1", "--output", out.toString());
      assertEquals(0, next.exit, next::toString);
      assertTrue(target.isAlive());
    }
  }
}
