package dev.supportpacket.agent.collect.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.supportpacket.agent.packet.MemorySink;
import dev.supportpacket.agent.packet.Packet;
import dev.supportpacket.agent.sanitize.Sanitizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What --include adds to a packet, and what a hostile local user's plants in the included directory come to. */
class IncludedFilesCollectorTest {
  @TempDir Path dir;

  private final MemorySink sink = new MemorySink();
  private final Sanitizer sanitizer = Sanitizer.withRandomKey();
  private final Packet packet = new Packet(sanitizer, sink);

  private void collect(Path... includes) throws Exception {
    new IncludedFilesCollector().collect(List.of(includes), new ConfigFileCheck(dir, Optional.empty()), packet);
  }

  private static String entry(Path p) {
    return "included/" + ConfigDiscovery.safeName(p.toAbsolutePath().normalize().toString());
  }

  @Test
  void configFormatsAreRedactedByKeyAndLearnedSecretsApplyToPlainText() throws Exception {
    Path inc = Files.createDirectories(dir.resolve("inc/sub"));
    Files.writeString(inc.resolve("db.ini"), "[database]\nuser = orders\npassword = q7\n");
    Files.writeString(inc.resolve("notes.txt"), "restarted after rotating to learnedSecret123\n");
    sanitizer.learn("app.secret", "learnedSecret123");
    collect(dir.resolve("inc"));
    String ini = sink.text(entry(inc.resolve("db.ini")));
    assertTrue(ini.contains("user = orders") && !ini.contains("q7"), ini);
    String notes = sink.text(entry(inc.resolve("notes.txt")));
    assertFalse(notes.contains("learnedSecret123"), notes);
    assertTrue(sink.text("included/index.yaml").contains("entry: " + entry(inc.resolve("db.ini"))));
  }

  @Test
  void aLinkOutOfTheIncludedDirectoryIsListedNotFollowed(@TempDir Path elsewhere) throws Exception {
    Path inc = Files.createDirectories(dir.resolve("inc"));
    Path outside = Files.writeString(elsewhere.resolve("private.txt"), "outside-content-4711\n");
    Files.createSymbolicLink(inc.resolve("escape.txt"), outside);
    Files.createSymbolicLink(inc.resolve("loop"), inc);
    Files.writeString(inc.resolve("real.txt"), "inside\n");
    Files.createSymbolicLink(inc.resolve("alias.txt"), inc.resolve("real.txt"));
    collect(inc);
    String all = String.join("\n", sink.entries().keySet()) + sink.text("included/index.yaml");
    assertFalse(sink.entries().values().stream().anyMatch(b -> new String(b).contains("outside-content-4711")), all);
    String index = sink.text("included/index.yaml");
    assertTrue(index.contains("escape.txt") && index.contains("outside the included"), index);
    assertTrue(index.contains("loop") && index.contains("alias.txt") && index.contains("a link inside the included"),
        index);
    assertTrue(sink.entries().containsKey(entry(inc.resolve("real.txt"))), all);
  }

  @Test
  void fifosAreNeverOpenedAndBinaryFilesAreListedNotCopied() throws Exception {
    Path inc = Files.createDirectories(dir.resolve("inc"));
    Path fifo = inc.resolve("pipe");
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
    assertTrue(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0);
    byte[] binary = new byte[4096];
    binary[0] = 'P';
    Files.write(inc.resolve("cache.bin"), binary);
    collect(inc);
    String index = sink.text("included/index.yaml");
    assertTrue(index.contains("pipe") && index.contains("a FIFO, socket or device: never opened"), index);
    assertTrue(index.contains("cache.bin") && index.contains("binary content"), index);
    assertFalse(sink.entries().containsKey(entry(inc.resolve("cache.bin"))));
    assertTrue(String.join("\n", packet.notes()).contains("pipe: a FIFO"), packet.notes().toString());
  }

  @Test
  void secretsOfIncludedConfigFilesAreLearnedForEveryEntry() throws Exception {
    Path inc = Files.createDirectories(dir.resolve("inc"));
    Files.writeString(inc.resolve("db.cnf"), "[client]\nuser = orders\npassword = pw-included-77\n");
    ConfigSecrets.learnInto(sanitizer, java.time.Duration.ofSeconds(60), List.of(inc));
    packet.addText("logs/app.log", w -> w.write("login as orders with pw-included-77 failed\n"));
    String log = sink.text("logs/app.log");
    assertFalse(log.contains("pw-included-77"), log);
    assertTrue(log.contains("login as orders with"), log);
  }

  @Test
  void aMissingPathIsSaidToBeMissingAsTheTargetSeesIt() throws Exception {
    collect(dir.resolve("nowhere"));
    assertTrue(sink.text("included/index.yaml").contains("does not exist as the target sees it"));
  }
}
