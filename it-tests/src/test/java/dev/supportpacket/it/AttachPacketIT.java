package dev.supportpacket.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.supportpacket.it.apps.CpuBurnerApp;
import dev.supportpacket.it.apps.DeadlockApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** `java -jar attach.jar <pid>` against real JVMs on JDK 17 and 25: the packet, and the target afterwards. */
class AttachPacketIT {

  /**
   * JDK 17 takes about 25 samples a second per busy thread, fewer when the cores are shared: two burners and no other
   * profile at the same time keep "at least 100 samples in the default 5 s" a statement about the tool.
   */
  @ParameterizedTest
  @EnumSource(Jdk.class)
  @ResourceLock("cpu-profile")
  void packetOfABusyJvmHoldsEverythingAndLeavesNothingBehind(Jdk jdk, @TempDir Path dir) throws Exception {
    try (TargetJvm target = TargetJvm.start(jdk, CpuBurnerApp.class, dir, List.of("-Dit.burners=2"), Map.of(),
        List.of())) {
      long before = System.currentTimeMillis();
      Cli.Result r = Cli.run(Long.toString(target.pid()));
      assertEquals(0, r.exit, r::toString);
      Path packet = r.packet();

      assertEquals(dir.toRealPath(), packet.getParent().toRealPath(), "written beside the process");
      assertTrue(packet.getFileName().toString()
          .matches("support-packet-CpuBurnerApp-" + target.pid() + "-\\d{8}T\\d{6}Z\\.zip"), packet::toString);
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(packet)));

      PacketZip zip = new PacketZip(packet);
      Map<String, Object> meta = zip.yaml("metadata.yaml");
      assertEquals(1, meta.get("version"));
      assertEquals("jvm-support-packet", meta.get("type"));
      long generatedAt = ((Number) meta.get("generated_at")).longValue();
      assertTrue(generatedAt >= before && generatedAt <= System.currentTimeMillis(), "generated_at " + generatedAt);
      assertTrue(((Map<?, ?>) meta.get("generator")).get("version").toString().matches("\\d+\\.\\d+.*"));
      Map<?, ?> jvm = (Map<?, ?>) meta.get("jvm");
      assertTrue(jvm.get("version").toString().startsWith(jdk == Jdk.JDK17 ? "17" : "25"), jvm::toString);
      assertFalse(jvm.get("vendor").toString().isBlank());
      assertFalse(meta.get("host").toString().isBlank());
      assertEquals(target.pid(), ((Number) meta.get("pid")).longValue());
      assertEquals("CpuBurnerApp", meta.get("app"));
      assertEquals("attach", meta.get("trigger"));

      String report = zip.text("report.txt");
      List<String> lines = report.lines().collect(java.util.stream.Collectors.toList());
      assertTrue(lines.get(lines.size() - 1).startsWith("packet: complete"), report);
      assertFalse(zip.has("warning.txt"), report);
      assertTrue(zip.text("README.html").contains("threads/threads.txt"));

      Path jfr = zip.extract("profile/cpu.jfr", dir);
      long samples = Jfr.count(jfr, "jdk.ExecutionSample");
      assertTrue(samples >= 100, "only " + samples + " execution samples");
      assertTrue(Jfr.print(jdk, jfr).contains("jdk.ExecutionSample"));
      Files.delete(jfr);
      String folded = zip.text("profile/cpu-folded.txt");
      assertTrue(folded.lines().allMatch(l -> l.matches("\\S+ \\d+")), "folded format");
      assertTrue(folded.contains("CpuBurnerApp.burnCpuInNamedMethod"), folded);

      String threads = zip.text("threads/threads.txt");
      assertTrue(threads.contains("\"" + CpuBurnerApp.BURNER_THREAD + "\""), threads);
      assertTrue(threads.contains("at dev.supportpacket.it.apps.CpuBurnerApp.burnCpuInNamedMethod")
          || threads.contains("/dev.supportpacket.it.apps.CpuBurnerApp.burnCpuInNamedMethod"), threads);
      assertTrue(threads.contains("No deadlock found."));
      assertTrue(zip.text("heap/histogram.txt").contains(" java.lang.String "), "histogram lists String");
      for (String y : List.of("system-properties", "environment", "arguments", "flags", "runtime")) {
        assertFalse(zip.yaml("jvm/" + y + ".yaml").isEmpty(), y);
      }
      assertTrue(zip.yaml("jvm/arguments.yaml").get("main").toString().endsWith("CpuBurnerApp"));
      assertTrue(zip.yaml("jvm/flags.yaml").containsKey("MaxHeapSize"));
      assertTrue(zip.yaml("jvm/runtime.yaml").containsKey("memory"));

      assertTrue(target.isAlive(), "target survived the attach");
      Leftovers.assertNone(jdk, target, dir);

      Cli.Result second = Cli.run(Long.toString(target.pid()), "--duration", "1");
      assertEquals(0, second.exit, second::toString);
      assertNotEquals(packet, second.packet());
      Cli.Result third = Cli.run(Long.toString(target.pid()), "--duration", "1", "--output", dir.toString());
      assertEquals(0, third.exit, third::toString);
      assertTrue(target.isAlive());
      Leftovers.assertNone(jdk, target, dir);
    }
  }

  @ParameterizedTest
  @EnumSource(Jdk.class)
  void deadlockIsReportedFirst(Jdk jdk, @TempDir Path dir) throws Exception {
    try (TargetJvm target = TargetJvm.start(jdk, DeadlockApp.class, dir)) {
      Cli.Result r = Cli.run(Long.toString(target.pid()), "--duration", "1");
      assertEquals(0, r.exit, r::toString);
      String threads = new PacketZip(r.packet()).text("threads/threads.txt");
      int deadlock = threads.indexOf("DEADLOCK: 2 threads are deadlocked");
      int all = threads.indexOf("--- all threads ---");
      assertTrue(deadlock >= 0 && deadlock < all, threads);
      String head = threads.substring(deadlock, all);
      assertTrue(head.contains("\"" + DeadlockApp.LEFT + "\"") && head.contains("\"" + DeadlockApp.RIGHT + "\""), head);
      assertTrue(head.contains("waiting to lock") && head.contains("- locked"), head);
      assertTrue(target.isAlive());
    }
  }
}
