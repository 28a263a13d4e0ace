package dev.supportpacket.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.supportpacket.agent.sanitize.Sanitizer;
import dev.supportpacket.agent.sanitize.SanitizerSettings;
import dev.supportpacket.it.apps.NearlyFullHeapApp;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
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
   * 92 % live: the packet is written with the steps that allocate or walk the heap left out (the histogram), and says
   * so; the CPU profile and the JFR events are in it, since the attach CLI reads their recordings back, outside the
   * JVM; the application keeps working through two packets.
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
        assertEquals(1, r.exit, "attach " + attach + ": " + r);
        PacketZip zip = new PacketZip(r.packet());
        if (attach == 2 && "cli".equals(zip.yaml("metadata.yaml").get("collected_by"))) {
          // The first packet's code and the JDK's caches of it (some 2-4 MB) may still be in the heap: the agent
          // refused, safely, and the CLI wrote the packet from outside.
          assertTrue(zip.text("warning.txt").contains("written by the attach CLI from outside the JVM, because the"
              + " agent refused to start inside it: no packet, to spare the application"), zip.text("warning.txt"));
        } else {
          String warning = zip.text("warning.txt");
          assertTrue(warning.contains("heap-histogram skipped: the heap histogram left out to spare the application:"
              + " its heap is"), warning);
          assertFalse(warning.contains("cpu-profile skipped"), warning);
          assertTrue(zip.has("profile/cpu.jfr") && zip.has("profile/cpu-folded.txt"), "the profile of a full heap");
          assertTrue(zip.has("profile/events.jfr") && zip.has("jvm/events.json"), "and its GC events");
          assertTrue(zip.text("report.txt").contains("cpu-profile: raw recording read back and rewritten in the"
              + " attach CLI, outside the target"), zip.text("report.txt"));
        }
        Thread.sleep(3000);
        assertAlive(target, start);
        Leftovers.assertNone(jdk, target, out);
      }
    }
  }

  /**
   * 95 % live: the packet code alone would take the room the application's young collections need, so the agent does
   * not start; the CLI writes a partial packet itself, from outside the JVM, with what the JVM gives without Java heap
   * (thread dump, heap figures, flags, command line) and /proc. Sanitized like any packet: a password on the target's
   * command line becomes the very token the site key gives it. The application keeps working, nothing of ours stays.
   */
  @ParameterizedTest
  @EnumSource(Jdk.class)
  @ResourceLock("cpu-profile")
  void aHeapTooFullForTheAgentGetsAPartialPacketWrittenFromOutside(Jdk jdk, @TempDir Path dir) throws Exception {
    Path out = Files.createDirectory(dir.resolve("out"));
    Path siteKey = dir.resolve("site.key");
    Files.write(siteKey, "it-site-key-of-32-bytes-or-more-0123456789".getBytes(StandardCharsets.UTF_8));
    Files.setPosixFilePermissions(siteKey, PosixFilePermissions.fromString("rw-------"));
    String secret = "Pw-" + UUID.randomUUID();
    String token = Sanitizer.create(SanitizerSettings.load(Optional.empty(), Optional.of(siteKey))).token(secret);
    try (TargetJvm target = start(jdk, dir, 0.95, "-Dit.db.password=" + secret)) {
      for (int attach = 1; attach <= 2; attach++) {
        long start = System.currentTimeMillis();
        Cli.Result r = Cli.run(Long.toString(target.pid()), "-d", "2", "-o", out.toString(), "--site-key-file",
            siteKey.toString());
        long took = System.currentTimeMillis() - start;
        assertEquals(1, r.exit, "attach " + attach + ": " + r);
        // Bounded by the CLI's own deadlines (attach 45 s, commands 30 s at most), not by how fast this machine is.
        assertTrue(took < 60_000, "the partial packet took " + took + " ms");
        assertTrue(r.err.contains("the attach CLI wrote this partial packet from outside it"), r::toString);
        Path packet = r.packet();
        assertEquals(out, packet.getParent());
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(packet));
        PacketZip zip = new PacketZip(packet);

        assertEquals("cli", zip.yaml("metadata.yaml").get("collected_by"));
        String report = zip.text("report.txt").strip();
        String verdict = report.substring(report.lastIndexOf('\n') + 1);
        assertTrue(verdict.startsWith("packet: partial, written by the attach CLI from outside the JVM because the"
            + " agent refused to start inside it: no packet, to spare the application: its heap is"), report);
        assertTrue(verdict.matches(".*its heap is \\d+% full after the last GC \\(\\d+ of 128 MB\\).*"), verdict);
        assertTrue(report.contains("system-properties"), report);
        String warning = zip.text("warning.txt");
        assertTrue(warning.contains("heap-histogram skipped: left out: GC.class_histogram walks the whole heap"),
            warning);
        assertTrue(warning.contains("system-properties skipped: left out: VM.system_properties runs Java code"),
            warning);

        String threads = zip.text("threads/threads.txt");
        assertTrue(threads.contains("\"it-heartbeat\""), threads);
        assertTrue(zip.text("jvm/heap-info.txt").contains("total"), zip.text("jvm/heap-info.txt"));
        assertTrue(zip.text("jvm/flags.yaml").contains("MaxHeapSize: 134217728"), zip.text("jvm/flags.yaml"));
        assertTrue(zip.text("proc/status.txt").contains("VmRSS:"), zip.text("proc/status.txt"));
        String commandLine = zip.text("jvm/command-line.txt");
        assertTrue(commandLine.contains("-Dit.db.password=" + token), commandLine);
        for (Map.Entry<String, byte[]> e : zip.entries().entrySet()) {
          assertFalse(new String(e.getValue(), StandardCharsets.ISO_8859_1).contains(secret),
              e.getKey() + " holds the planted password");
        }
        assertTrue(zip.has("findings.json") && zip.has("README.html"), zip.entries().keySet()::toString);

        Thread.sleep(3000);
        assertAlive(target, start);
        Leftovers.assertNone(jdk, target, out);
      }
    }
  }

  private static TargetJvm start(Jdk jdk, Path dir, double live, String... jvmArgs) throws Exception {
    List<String> args = new ArrayList<>(List.of("-Xmx128m", "-Dit.live=" + live, "-Dit.allocMbPerSecond=20"));
    args.addAll(List.of(jvmArgs));
    TargetJvm target = TargetJvm.start(jdk, NearlyFullHeapApp.class, dir, args, Map.of(), List.of());
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
