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
  private static final String SECRET = "Planted-Cli-Secret-31";

  /**
   * How many samples a 5-s profile holds depends on how many cores the burners get (43 to 250 seen, with other ITs
   * sharing 2 cores); what the tool owes is a profile that covers its whole window, so that is what is checked.
   */
  @ParameterizedTest
  @EnumSource(Jdk.class)
  @ResourceLock("cpu-profile")
  void packetOfABusyJvmHoldsEverythingAndLeavesNothingBehind(Jdk jdk, @TempDir Path dir) throws Exception {
    try (TargetJvm target = TargetJvm.start(jdk, CpuBurnerApp.class, dir, List.of("-Dit.burners=2",
        "-Dit.burner.name=tenant-" + SECRET, "-Dit.db.password=" + SECRET), Map.of(), List.of())) {
      long before = System.currentTimeMillis();
      // The CLI keeps its own JIT to C1 while the target records (CompilerLimit); the target's is never touched.
      boolean[] cliWithoutC2 = new boolean[1];
      Cli.Result r = Cli.runWatching(cli -> {
        for (int i = 0; i < 20 && !cliWithoutC2[0] && ProcessHandle.of(cli).map(ProcessHandle::isAlive).orElse(false);
            i++) {
          cliWithoutC2[0] = Leftovers.jcmd(Jdk.JDK17, cli, "Compiler.directives_print").contains("Exclude:true");
          Thread.sleep(200);
        }
      }, Long.toString(target.pid()));
      assertEquals(0, r.exit, r::toString);
      assertTrue(cliWithoutC2[0], "the CLI excluded C2 in its own JVM while the target recorded");
      assertFalse(Leftovers.jcmd(jdk, target, "Compiler.directives_print").contains("Exclude:true"),
          "the target's compiler directives are its own");
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
      Jfr.Span samples = Jfr.span(jfr, "jdk.ExecutionSample");
      assertTrue(samples.count() >= 20, "only " + samples);
      assertTrue(samples.seconds() >= 3.5, "the default 5-s profile covers " + samples);
      assertTrue(Jfr.print(jdk, jfr).contains("jdk.ExecutionSample"));
      Files.delete(jfr);
      String folded = zip.text("profile/cpu-folded.txt");
      assertTrue(folded.lines().allMatch(l -> l.matches("\\S+ \\d+")), "folded format");
      assertTrue(folded.contains("CpuBurnerApp.burnCpuInNamedMethod"), folded);
      // The recordings were read back in the CLI, with the agent's sanitizer: its secrets, its tokens.
      assertTrue(report.contains("cpu-profile: raw recording read back and rewritten in the attach CLI"), report);
      assertTrue(report.contains("jfr-events: raw recording read back and rewritten in the attach CLI"), report);
      java.util.regex.Matcher token = java.util.regex.Pattern.compile("tenant-(\\[REDACTED:[0-9a-f]{8}])")
          .matcher(zip.text("threads/threads.txt"));
      assertTrue(token.find(), "the secret thread name is tokenized in threads.txt");
      // A busy thread: its CPU load is in the events every second.
      Path events = zip.extract("profile/events.jfr", dir);
      String eventsText = new String(Files.readAllBytes(events), java.nio.charset.StandardCharsets.ISO_8859_1);
      Files.delete(events);
      assertFalse(eventsText.contains(SECRET));
      assertTrue(eventsText.contains("tenant-" + token.group(1)), "the same token in the events the CLI rewrote");

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
