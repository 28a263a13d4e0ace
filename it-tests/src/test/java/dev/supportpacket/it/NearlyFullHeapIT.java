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
 * A packet of a sick JVM must not kill it: 128 MB heap, 92 or 95 % of it live after a full GC, 20 MB/s of garbage on
 * top (stable on its own). The application's heartbeat is the proof that it kept working; the beats must have come
 * on time, and the last one just now (a heartbeat thread killed by OutOfMemoryError stops for good).
 */
class NearlyFullHeapIT {
  /** A beat every 100 ms; a stop of the application longer than this is a failure. */
  static final long MAX_BEAT_GAP_MILLIS = 2000;

  /**
   * 92 % live: the packet is written with the steps that allocate or walk the heap left out (histogram, profile),
   * and says so; the application keeps working through two packets.
   */
  @ParameterizedTest
  @EnumSource(Jdk.class)
  @ResourceLock("cpu-profile")
  void packetOfANearlyFullHeapLeavesOutTheHeavyStepsAndTheApplicationWorking(Jdk jdk, @TempDir Path dir)
      throws Exception {
    Path out = Files.createDirectory(dir.resolve("out"));
    try (TargetJvm target = start(jdk, dir, 0.92)) {
      for (int attach = 1; attach <= 2; attach++) {
        long start = System.currentTimeMillis();
        Cli.Result r = attach(target, out);
        if (attach == 2 && r.exit == 11) {
          // The first packet's code and the JDK's caches of it (some 2-4 MB) may still be in the heap: refused, safely.
          assertTrue(r.err.contains("no packet, to spare the application"), r::toString);
        } else {
          assertEquals(1, r.exit, "attach " + attach + ": " + r);
          String warning = new PacketZip(r.packet()).text("warning.txt");
          assertTrue(warning.contains("heap-histogram skipped: the heap histogram left out to spare the application:"
              + " its heap is"), warning);
          assertTrue(warning.contains("cpu-profile skipped: the CPU profile left out to spare the application"),
              warning);
        }
        Thread.sleep(3000);
        assertAlive(target, start);
        Leftovers.assertNone(jdk, target, out);
      }
    }
  }

  /**
   * 95 % live: the packet code alone would take the room the application's young collections need, so no packet
   * starts inside the target; the CLI says so at once, with what to do instead.
   */
  @ParameterizedTest
  @EnumSource(Jdk.class)
  @ResourceLock("cpu-profile")
  void aHeapTooFullForThePacketCodeIsToldAndLeftAlone(Jdk jdk, @TempDir Path dir) throws Exception {
    Path out = Files.createDirectory(dir.resolve("out"));
    try (TargetJvm target = start(jdk, dir, 0.95)) {
      for (int attach = 1; attach <= 2; attach++) {
        long start = System.currentTimeMillis();
        Cli.Result r = attach(target, out);
        assertEquals(11, r.exit, "attach " + attach + ": " + r);
        assertTrue(r.err.contains("no packet, to spare the application: its heap is"), r::toString);
        assertTrue(r.err.contains("jcmd <pid> Thread.print"), r::toString);
        Thread.sleep(3000);
        assertAlive(target, start);
        Leftovers.assertNone(jdk, target, out);
      }
    }
  }

  private static TargetJvm start(Jdk jdk, Path dir, double live) throws Exception {
    TargetJvm target = TargetJvm.start(jdk, NearlyFullHeapApp.class, dir,
        List.of("-Xmx128m", "-Dit.live=" + live, "-Dit.allocMbPerSecond=20"), Map.of(), List.of());
    Thread.sleep(2000);
    return target;
  }

  /**
   * The CLI's answer with its default timeout: the "within a minute" is a figure for bench/, not for a test
   * that shares two cores with the rest of the suite; a packet that hangs still fails here (exit 9).
   */
  private static Cli.Result attach(TargetJvm target, Path out) throws Exception {
    return Cli.run(Long.toString(target.pid()), "-d", "2", "-o", out.toString());
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
