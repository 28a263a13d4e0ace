package dev.supportpacket.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.supportpacket.it.apps.PluginLoaderApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A config file that never gives its content (a FIFO nobody writes to; a file on a hung mount behaves alike) must not
 * hold the packet, nor the JVM's "packet in progress" claim, for ever.
 */
class HungFileIT {
  @ParameterizedTest
  @EnumSource(Jdk.class)
  void aFifoAsConfigFileDoesNotHangThePacket(Jdk jdk, @TempDir Path dir) throws Exception {
    Path plugins = Files.createDirectory(dir.resolve("plugins"));
    Path fifo = plugins.resolve("application.properties");
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
    assertEquals(0, mkfifo.waitFor());
    Path out = Files.createDirectory(dir.resolve("out"));
    try (TargetJvm target = TargetJvm.start(jdk, PluginLoaderApp.class, dir,
        List.of("-Dit.pluginDir=" + plugins), Map.of(), List.of())) {
      Cli.Result r = Cli.run(Long.toString(target.pid()), "-d", "1", "-o", out.toString());
      assertEquals(0, r.exit, r::toString);
      PacketZip zip = new PacketZip(r.packet());
      assertTrue(zip.text("report.txt").contains("packet: complete"), zip.text("report.txt"));
      Leftovers.assertNone(jdk, target, out);
      // The claim is released: the next request is not told "another packet is being written".
      Cli.Result next = Cli.run(Long.toString(target.pid()), "-d", "1", "-o", out.toString());
      assertTrue(next.exit != 10 && next.exit != 9, "already running (10) or no answer (9): " + next);
    }
  }
}
