package dev.supportpacket.agent.collect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.supportpacket.agent.collect.profile.RecordingEntries;
import dev.supportpacket.agent.packet.EntryRecord;
import dev.supportpacket.agent.packet.MemorySink;
import dev.supportpacket.agent.packet.Packet;
import dev.supportpacket.agent.sanitize.Sanitizer;
import dev.supportpacket.agent.sanitize.SanitizerSettings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import jdk.jfr.Recording;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's side of handing a raw recording to the attach CLI, with this test playing the CLI: what it writes back
 * enters the packet checked like any entry, and a CLI that does not answer leaves the recording to be read here.
 */
class RecordingHandoffTest {
  private static final String SECRET = "Handed-Over-Secret-77";
  private static final String FOLDED = RecordingHandoff.fileName("profile/cpu-folded.txt");

  @TempDir Path dir;
  @TempDir Path scratch;
  private final Sanitizer sanitizer = Sanitizer.withRandomKey();
  private final MemorySink sink = new MemorySink();
  private final Packet packet = new Packet(sanitizer, sink);
  private final BlockingQueue<String> announced = new ArrayBlockingQueue<>(4);

  @Test
  void whatTheCliWritesBackEntersThePacketWithItsCountsAndTheStateItReadIsGone() throws Exception {
    sanitizer.learn("password", SECRET);
    Thread cli = fakeCli(own -> {
      // The key material is private: only the target's user (and root) reach it.
      assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(own)));
      assertEquals("rw-------", PosixFilePermissions.toString(
          Files.getPosixFilePermissions(own.resolve(RecordingHandoff.STATE))));
      Sanitizer restored;
      try (InputStream in = Files.newInputStream(own.resolve(RecordingHandoff.STATE))) {
        restored = Sanitizer.restore(SanitizerSettings.defaults(), in);
      }
      assertEquals(sanitizer.token(SECRET), restored.token(SECRET));
      // One line the CLI left in clear: the agent's own filter scrubs it once more.
      write(own, FOLDED, "main;Worker.run 7\nmain;Worker." + SECRET + " 1\n");
      write(own, FOLDED + RecordingHandoff.COUNTS_SUFFIX, "learned=3\n");
      write(own, RecordingHandoff.DONE, "");
    });

    try (RecordingHandoff.Work work = handoff(Duration.ofSeconds(30)).begin(RecordingEntries.CPU_PROFILE,
        () -> scratch.resolve("unused.jfr"), "the CPU profile")) {
      Files.write(work.raw(), new byte[] {1, 2, 3});
      work.derive(packet, new RecordingHandoff.Window(0, 1000));
      assertFalse(Files.exists(work.raw().resolveSibling(RecordingHandoff.STATE)), "the key is deleted at once");
    }
    cli.join(10_000);

    String folded = sink.text("profile/cpu-folded.txt");
    assertTrue(folded.startsWith("main;Worker.run 7\n"), folded);
    assertFalse(folded.contains(SECRET));
    assertEquals(3 + 1, record("profile/cpu-folded.txt").redactions.values().stream().mapToInt(i -> i).sum());
    assertTrue(packet.notes().toString().contains("read back and rewritten in the attach CLI"), packet.notes().toString());
    assertEquals(0, Files.list(dir).count(), "the recording's directory is removed with everything in it");
  }

  @Test
  void theClisFailureIsToldAfterWhatItWroteAndALinkInAnEntrysPlaceIsNotFollowed() throws Exception {
    Path outside = Files.writeString(scratch.resolve("elsewhere.jfr"), "not for the packet " + SECRET);
    Thread cli = fakeCli(own -> {
      write(own, FOLDED, "main;Worker.run 7\n");
      Files.createSymbolicLink(own.resolve(RecordingHandoff.fileName("profile/cpu.jfr")), outside);
      write(own, RecordingHandoff.FAILED, "profile/cpu.jfr left out, it could not be sanitized\u001b[31m");
      write(own, RecordingHandoff.DONE, "");
    });
    IOException e;
    try (RecordingHandoff.Work work = handoff(Duration.ofSeconds(30)).begin(RecordingEntries.CPU_PROFILE,
        () -> scratch.resolve("unused.jfr"), "the CPU profile")) {
      Files.write(work.raw(), new byte[] {1});
      e = assertThrows(IOException.class,
          () -> work.derive(packet, new RecordingHandoff.Window(0, 1000)));
    }
    cli.join(10_000);
    assertTrue(e.getMessage().startsWith("profile/cpu.jfr left out"), e.getMessage());
    assertFalse(e.getMessage().contains("\u001b"), "no control characters from a file reach a report");
    assertEquals("main;Worker.run 7\n", sink.text("profile/cpu-folded.txt"));
    assertNull(sink.text("profile/cpu.jfr"), "a link is never followed");
  }

  @Test
  void aCliThatNeverAnswersLeavesTheRecordingToBeReadInTheTarget() throws Exception {
    try (RecordingHandoff.Work work = handoff(Duration.ofMillis(300)).begin(RecordingEntries.CPU_PROFILE,
        () -> scratch.resolve("unused.jfr"), "the CPU profile")) {
      record(work.raw());
      work.derive(packet, new RecordingHandoff.Window(0, 1000));
    }
    assertEquals(1, announced.size(), "the CLI was asked");
    assertTrue(sink.text("profile/cpu-folded.txt") != null, "the folded stacks were read here");
    assertTrue(sink.entries().containsKey("profile/cpu.jfr"), "and the recording rewritten here");
    assertTrue(packet.notes().toString().contains("did not take the CPU profile within 0 s"),
        packet.notes().toString());
    assertEquals(0, Files.list(dir).count());
  }

  @Test
  void withoutACliTheRecordingIsReadHereAndNothingIsAnnounced() throws Exception {
    Path raw;
    try (RecordingHandoff.Work work = RecordingHandoff.IN_PROCESS.begin(RecordingEntries.CPU_PROFILE,
        () -> scratch.resolve("cpu.jfr"), "the CPU profile")) {
      raw = work.raw();
      assertEquals(scratch.resolve("cpu.jfr"), raw);
      record(raw);
      work.derive(packet, new RecordingHandoff.Window(0, 1000));
    }
    assertFalse(Files.exists(raw), "the raw recording is removed");
    assertTrue(sink.entries().containsKey("profile/cpu.jfr"));
    assertTrue(packet.notes().isEmpty(), packet.notes().toString());
  }

  private RecordingHandoff handoff(Duration deadline) {
    return RecordingHandoff.to(dir, sanitizer, new RecordingHandoff.Announce() {
      @Override
      public void work(RecordingHandoff.Derivation what, String name) {
        announced.add(name);
      }

      @Override
      public void part(RecordingHandoff.Derivation what, String name) {
        throw new AssertionError("no preview was asked for");
      }
    }, deadline);
  }

  private EntryRecord record(String name) {
    return packet.entries().stream().filter(r -> r.name.equals(name)).findFirst().orElseThrow();
  }

  /** A thread that answers the first announcement as {@code answer} says. */
  private Thread fakeCli(Answer answer) {
    Thread t = new Thread(() -> {
      try {
        String name = announced.poll(20, TimeUnit.SECONDS);
        answer.write(dir.resolve(name));
      } catch (Exception | AssertionError e) {
        throw new IllegalStateException(e);
      }
    });
    t.setDaemon(true);
    t.start();
    return t;
  }

  @FunctionalInterface
  private interface Answer {
    void write(Path own) throws Exception;
  }

  private static void write(Path own, String name, String text) throws IOException {
    Files.writeString(own.resolve(name), text, StandardCharsets.UTF_8);
    assertTrue(Files.isRegularFile(own.resolve(name), LinkOption.NOFOLLOW_LINKS));
  }

  private static void record(Path raw) throws Exception {
    try (Recording r = new Recording()) {
      r.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
      r.start();
      long end = System.nanoTime() + 300_000_000L;
      long x = 0;
      while (System.nanoTime() < end) {
        x += Long.numberOfTrailingZeros(System.nanoTime());
      }
      r.stop();
      r.dump(raw);
      assertTrue(x >= 0);
    }
  }
}
