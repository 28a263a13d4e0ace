package dev.supportpacket.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.supportpacket.agent.collect.RecordingHandoff;
import dev.supportpacket.agent.collect.profile.RecordingEntries;
import dev.supportpacket.agent.packet.MemorySink;
import dev.supportpacket.agent.packet.Packet;
import dev.supportpacket.agent.sanitize.Sanitizer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rest of both recordings read once for both kinds, on a real recording (the CLI's canned one): each kind's
 * entries are those it gets reading alone; other bytes, a kind that does not come, or one that says it reads
 * nothing here leave each to read its own.
 */
class SharedRestTest {
  private static final RecordingHandoff.Window WINDOW = new RecordingHandoff.Window(0, 2000);
  /**
   * Longer than any test here waits for a result: a first that waits for a twin that never releases it fails the
   * test instead of reading its own after the wait.
   */
  private static final java.time.Duration LONG = java.time.Duration.ofSeconds(120);
  @TempDir static Path dir;
  private static Path rest;
  private static Path other;
  private static Map<String, byte[]> alone;
  private final Sanitizer sanitizer = Sanitizer.withRandomKey();

  @BeforeAll
  static void recordings() throws Exception {
    rest = dir.resolve("rest.jfr");
    try (InputStream in = RecordingWorker.class.getResourceAsStream("warm-up-raw.jfr")) {
      Files.copy(in, rest);
    }
    // Other bytes: the same chunk twice is a valid recording too.
    other = Files.write(dir.resolve("other.jfr"), concat(Files.readAllBytes(rest), Files.readAllBytes(rest)));
    alone = new java.util.HashMap<>();
    for (RecordingEntries kind : RecordingEntries.values()) {
      RecordingHandoff.Reading r = kind.begin(0);
      r.read(rest);
      alone.putAll(entries(r, Sanitizer.withRandomKey()));
    }
  }

  @Test
  void twinsWithTheSameBytesAreReadOnceAndEachGetsItsOwnEntries() throws Exception {
    SharedRest rests = new SharedRest(LONG, LONG);
    RecordingHandoff.Reading cpu = RecordingEntries.CPU_PROFILE.begin(0);
    RecordingHandoff.Reading events = RecordingEntries.EVENTS.begin(0);

    CompletableFuture<Void> first = CompletableFuture.runAsync(() -> read(rests, rest, cpu, true));
    read(rests, rest, events, true);
    first.get(30, TimeUnit.SECONDS);

    assertEquals(1, rests.shared());
    assertSameTextEntries(entries(cpu, sanitizer));
    assertSameTextEntries(entries(events, sanitizer));
  }

  @Test
  void otherBytesAreReadEachOnItsOwn() throws Exception {
    SharedRest rests = new SharedRest(LONG, LONG);
    RecordingHandoff.Reading cpu = RecordingEntries.CPU_PROFILE.begin(0);
    RecordingHandoff.Reading events = RecordingEntries.EVENTS.begin(0);

    CompletableFuture<Void> first = CompletableFuture.runAsync(() -> read(rests, other, cpu, true));
    read(rests, rest, events, true);
    first.get(30, TimeUnit.SECONDS);

    assertEquals(0, rests.shared());
    assertSameTextEntries(entries(events, sanitizer));
    String folded = new String(entries(cpu, sanitizer).get("profile/cpu-folded.txt"));
    String once = new String(alone.get("profile/cpu-folded.txt"));
    assertTrue(!folded.equals(once) && folded.length() >= once.length(), "the other bytes' samples, twice each");
  }

  /** The first waits for a twin that does not come only so long, then reads its own. */
  @Test
  void aTwinThatDoesNotComeIsWaitedForOnlySoLong() throws Exception {
    SharedRest rests = new SharedRest(java.time.Duration.ofMillis(20), LONG);
    RecordingHandoff.Reading cpu = RecordingEntries.CPU_PROFILE.begin(0);
    read(rests, rest, cpu, true);
    assertEquals(0, rests.shared());
    assertSameTextEntries(entries(cpu, sanitizer));
  }

  /**
   * A twin announced is waited for beyond the wait for one not announced yet: on a loaded machine its hand-over may
   * take a while to come, and the packet waits for both anyway.
   */
  @Test
  void anAnnouncedTwinIsWaitedForLonger() throws Exception {
    SharedRest rests = new SharedRest(java.time.Duration.ofMillis(20), LONG);
    rests.expect();
    rests.expect();
    RecordingHandoff.Reading cpu = RecordingEntries.CPU_PROFILE.begin(0);
    RecordingHandoff.Reading events = RecordingEntries.EVENTS.begin(0);
    CompletableFuture<Void> first = CompletableFuture.runAsync(() -> read(rests, rest, cpu, true));
    awaitWaiting(rests);
    Thread.sleep(100); // five times the wait for a twin not announced
    read(rests, rest, events, true);
    first.get(30, TimeUnit.SECONDS);
    assertEquals(1, rests.shared());
  }

  /** A kind not expecting a twin does not wait for one. */
  @Test
  void noTwinExpectedNoWait() throws Exception {
    SharedRest rests = new SharedRest(LONG, LONG);
    RecordingHandoff.Reading cpu = RecordingEntries.CPU_PROFILE.begin(0);
    CompletableFuture.runAsync(() -> read(rests, rest, cpu, false)).get(30, TimeUnit.SECONDS);
    assertSameTextEntries(entries(cpu, sanitizer));
  }

  /** A twin that says its rest is not read here releases the first at once, which reads its own. */
  @Test
  void aSkippedTwinReleasesTheFirst() throws Exception {
    SharedRest rests = new SharedRest(LONG, LONG);
    RecordingHandoff.Reading cpu = RecordingEntries.CPU_PROFILE.begin(0);
    CompletableFuture<Void> first = CompletableFuture.runAsync(() -> read(rests, rest, cpu, true));
    awaitWaiting(rests);
    rests.skip();
    first.get(30, TimeUnit.SECONDS);
    assertEquals(0, rests.shared());
  }

  @Test
  void aFailedReadingFailsBothTwins() throws Exception {
    Path broken = Files.write(dir.resolve("broken.jfr"), new byte[] {'F', 'L', 'R', 0, 0, 2, 0, 0, 9});
    SharedRest rests = new SharedRest(LONG, LONG);
    CompletableFuture<Void> first = CompletableFuture.runAsync(
        () -> read(rests, broken, RecordingEntries.CPU_PROFILE.begin(0), true));
    IOException second = assertThrows(IOException.class,
        () -> rests.read(sha256(broken), broken, RecordingEntries.EVENTS.begin(0), true));
    ExecutionException firstFailed = assertThrows(ExecutionException.class, () -> first.get(30, TimeUnit.SECONDS));
    assertTrue(firstFailed.getCause().getCause() instanceof IOException, firstFailed.toString());
    assertEquals(1, rests.shared(), second.toString());
  }

  /** Until the first is waiting for its twin: the test's own thread plays the twin then. */
  private static void awaitWaiting(SharedRest rests) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!rests.waitsForTwin()) {
      assertTrue(System.nanoTime() < end, "the first never waited");
      Thread.sleep(1);
    }
  }

  private static void assertSameTextEntries(Map<String, byte[]> entries) {
    for (Map.Entry<String, byte[]> e : entries.entrySet()) {
      if (!e.getKey().endsWith(".jfr")) {
        assertEquals(new String(alone.get(e.getKey())), new String(e.getValue()), e.getKey());
      }
    }
  }

  private static void read(SharedRest rests, Path file, RecordingHandoff.Reading reading, boolean twinExpected) {
    try {
      rests.read(sha256(file), file, reading, twinExpected);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static Map<String, byte[]> entries(RecordingHandoff.Reading reading, Sanitizer sanitizer)
      throws IOException {
    MemorySink sink = new MemorySink();
    reading.writeTo(new Packet(sanitizer, sink), rest, WINDOW);
    return sink.entries();
  }

  private static byte[] sha256(Path file) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }
}
