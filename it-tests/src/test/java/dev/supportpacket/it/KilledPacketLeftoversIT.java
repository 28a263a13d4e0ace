package dev.supportpacket.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.supportpacket.it.apps.CpuBurnerApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/** A JVM killed while writing a packet leaves files; the next CLI run for it, or the next packet, removes them. */
@ResourceLock(value = "cpu-profile", mode = ResourceAccessMode.READ)
class KilledPacketLeftoversIT {
  private static final Duration PATIENCE = Duration.ofSeconds(120);

  /**
   * Kills the target once its packet's work directory holds a file matching {@code glob}; returns the target's pid.
   * The CLI gives up waiting first (short --timeout): a CLI still waiting would see the target die and clean up. With
   * {@code cliGoneFirst} the kill waits for the CLI to have exited (the file must outlive its 1 s timeout); without
   * it, the file comes after that timeout by itself (a raw heap dump, after the profile).
   */
  private static long killWhileWriting(Path dir, Path out, String glob, boolean cliGoneFirst, String... cliArgs)
      throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (TargetJvm target = TargetJvm.start(Jdk.JDK17, CpuBurnerApp.class, dir)) {
      String[] args = Stream.concat(Stream.of(Long.toString(target.pid()), "--output", out.toString()),
          Stream.of(cliArgs)).toArray(String[]::new);
      Future<Cli.Result> cli = pool.submit(() -> Cli.run(args));
      await().atMost(PATIENCE).until(() -> workFiles(out).stream().anyMatch(p -> p.getFileName().toString()
          .matches(glob)));
      if (cliGoneFirst) {
        cli.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
      }
      ProcessHandle.of(target.pid()).ifPresent(ProcessHandle::destroyForcibly);
      ProcessHandle.of(target.pid()).ifPresent(h -> h.onExit().join());
      cli.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
      return target.pid();
    } finally {
      pool.shutdownNow();
    }
  }

  private static List<Path> workFiles(Path out) throws Exception {
    try (Stream<Path> s = Files.walk(out)) {
      return s.filter(p -> p.toString().contains("/.support-packet-")).collect(Collectors.toList());
    }
  }

  @Test
  void theCliAskedAboutAKilledTargetRemovesItsRawHeapDumpAndSaysSo(@TempDir Path dir) throws Exception {
    Path out = Files.createDirectory(dir.resolve("packets"));
    long pid =
        killWhileWriting(dir, out, "heap-\\d+\\.hprof", false, "--duration", "1", "--heap-dump", "--timeout", "1");
    assertTrue(workFiles(out).size() > 0, "the killed packet left files");

    Cli.Result r = Cli.run(Long.toString(pid), "--output", out.toString());
    assertEquals(3, r.exit, r::toString);
    assertTrue(r.err.matches("(?s).*removed the work directory \\.support-packet-" + pid + "-.*raw, unscrubbed heap dump"
        + " heap-\\d+\\.hprof.*"), r::toString);
    assertTrue(r.err.contains("removed the partial packet .support-packet-" + pid + "-"), r::toString);
    assertEquals(List.of(), workFiles(out));
  }

  @Test
  void theNextPacketRemovesTheLeftoversOfAKilledOneAndReportsThem(@TempDir Path dir) throws Exception {
    Path out = Files.createDirectory(dir.resolve("packets"));
    long pid = killWhileWriting(dir, out, ".*\\.work", true, "--duration", "10", "--timeout", "1");
    assertTrue(workFiles(out).size() > 0, "the killed packet left files");

    try (TargetJvm next = TargetJvm.start(Jdk.JDK17, CpuBurnerApp.class, dir)) {
      Cli.Result r = Cli.run(Long.toString(next.pid()), "--duration", "1", "--output", out.toString());
      assertEquals(0, r.exit, r::toString);
      String report = new PacketZip(r.packet()).text("report.txt");
      assertTrue(report.contains("removed the work directory .support-packet-" + pid + "-"), report);
      assertTrue(report.contains("(no longer running)"), report);
      assertEquals(List.of(), workFiles(out));
    }
  }
}
