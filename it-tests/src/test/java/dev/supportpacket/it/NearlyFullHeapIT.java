package dev.supportpacket.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.supportpacket.it.apps.NearlyFullHeapApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A packet of a sick JVM must not kill it: 128 MB heap, 95 % of it live after a full GC, 20 MB/s of garbage on top
 * (stable on its own). The application's heartbeat is the proof that it kept working.
 */
class NearlyFullHeapIT {
  /** A beat every 100 ms; a stop of the application longer than this is a failure. */
  static final long MAX_BEAT_GAP_MILLIS = 2000;

  @ParameterizedTest
  @EnumSource(Jdk.class)
  @ResourceLock("cpu-profile")
  void packetOfANearlyFullHeapLeavesTheApplicationWorking(Jdk jdk, @TempDir Path dir) throws Exception {
    Path out = Files.createDirectory(dir.resolve("out"));
    try (TargetJvm target = TargetJvm.start(jdk, NearlyFullHeapApp.class, dir,
        List.of("-Xmx128m", "-Dit.live=0.95", "-Dit.allocMbPerSecond=20"), Map.of(), List.of())) {
      Thread.sleep(2000);
      for (int attach = 1; attach <= 2; attach++) {
        long start = System.currentTimeMillis();
        Cli.Result r = Cli.run(Long.toString(target.pid()), "-d", "2", "-o", out.toString());
        long took = System.currentTimeMillis() - start;
        assertTrue(took < 60_000, "attach " + attach + " answered after " + took + " ms: " + r);
        assertTrue(r.exit == 0 || r.exit == 1, "attach " + attach + ": " + r);
        PacketZip zip = new PacketZip(r.packet());
        if (r.exit == 1) {
          String warning = zip.text("warning.txt");
          assertTrue(warning.contains("to spare the application: its heap is"), warning);
        }
        Thread.sleep(3000);
        assertAlive(target, start);
        Leftovers.assertNone(jdk, target, out);
      }
    }
  }

  /** Every beat since {@code since} came on time, the last one just now, and nothing of the app ran out of memory. */
  private static void assertAlive(TargetJvm target, long since) {
    List<String> output = target.output();
    List<String> oom = output.stream().filter(l -> l.contains("OutOfMemoryError")).collect(Collectors.toList());
    assertEquals(List.of(), oom, "the application ran out of memory");
    List<Long> beats = new ArrayList<>();
    for (String line : output) {
      if (line.startsWith(NearlyFullHeapApp.BEAT)) {
        beats.add(Long.parseLong(line.substring(line.lastIndexOf(' ') + 1)));
      }
    }
    long last = beats.get(beats.size() - 1);
    assertTrue(System.currentTimeMillis() - last < MAX_BEAT_GAP_MILLIS, "the heartbeat stopped " + last);
    long previous = -1;
    for (long beat : beats) {
      if (previous >= since - MAX_BEAT_GAP_MILLIS) {
        assertFalse(beat - previous > MAX_BEAT_GAP_MILLIS,
            "the heartbeat stopped for " + (beat - previous) + " ms at " + previous);
      }
      previous = beat;
    }
  }
}
