package dev.supportpacket.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.supportpacket.it.apps.CpuBurnerApp;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The other commands a newcomer meets first: list and demo. */
class CommandsIT {

  @Test
  void listShowsRunningJvmsWithTheirJavaVersion(@TempDir Path dir) throws Exception {
    try (TargetJvm t17 = TargetJvm.start(Jdk.JDK17, CpuBurnerApp.class, dir);
        TargetJvm t25 = TargetJvm.start(Jdk.JDK25, CpuBurnerApp.class, dir)) {
      Cli.Result r = Cli.run("list");
      assertEquals(0, r.exit, r::toString);
      // pid, pid in its own namespace (the same here), Java version, app, container (none), attachable.
      for (TargetJvm t : List.of(t17, t25)) {
        String version = t == t17 ? "17" : "25";
        String row = t.pid() + "\\s+" + t.pid() + "\\s+" + version + "\\S*\\s+CpuBurnerApp\\s+-\\s+yes";
        assertTrue(r.out.lines().anyMatch(l -> l.matches(row)), r.out);
      }
    }
  }

  @Test
  void demoWritesAPacketWithTheFakePasswordRedacted(@TempDir Path dir) throws Exception {
    Cli.Result r = Cli.runIn(dir, "demo", "--duration", "1");
    assertEquals(0, r.exit, r::toString);
    PacketZip zip = new PacketZip(r.packet());
    assertEquals(dir.toRealPath(), r.packet().getParent().toRealPath());
    Map<String, Object> props = zip.yaml("jvm/system-properties.yaml");
    assertTrue(props.get("demo.db.password").toString().matches("\\[REDACTED:[0-9a-f]{8}]"), props::toString);
    String log = zip.entries().keySet().stream().filter(n -> n.startsWith("logs/") && n.endsWith("/demo.log"))
        .findFirst().map(zip::text).orElseThrow(() -> new AssertionError("no demo.log in " + zip.entries().keySet()));
    assertTrue(log.matches("(?s).*connecting to the database with \\[REDACTED:[0-9a-f]{8}]\n.*"), log);
    for (Map.Entry<String, byte[]> e : zip.entries().entrySet()) {
      assertFalse(new String(e.getValue(), StandardCharsets.ISO_8859_1).contains("demo-Passw0rd-4711"), e.getKey());
    }
  }
}
