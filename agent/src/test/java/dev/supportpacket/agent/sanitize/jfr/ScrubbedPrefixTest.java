package dev.supportpacket.agent.sanitize.jfr;

import static dev.supportpacket.agent.sanitize.jfr.PlantedRecordings.BUSY_THREAD;
import static dev.supportpacket.agent.sanitize.jfr.PlantedRecordings.THREAD_SECRET;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.supportpacket.agent.sanitize.EntryScrubber;
import dev.supportpacket.agent.sanitize.Sanitizer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import jdk.jfr.Recording;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A recording's first part rewritten ahead of its end, and the rest after it, on a real two-part recording of this
 * JVM (a part dumped while it runs, then the whole, as the agent hands them to the CLI): the same as the whole
 * rewritten at once, and used only by the sanitizer it was made with.
 */
class ScrubbedPrefixTest {
  private static final String ENTRY = "profile/cpu.jfr";
  private static final JfrScrubber SAMPLES = new JfrScrubber(Set.of("jdk.ExecutionSample", "jdk.ThreadPark"));
  /** A method of this test in every sample of the busy thread: in the first chunk's constants too. */
  private static final String METHOD = "spinForTheProfile";

  @TempDir static Path dir;
  private static Path part;
  private static Path whole;

  @BeforeAll
  static void recordInTwoParts() throws Exception {
    part = dir.resolve("part.jfr");
    whole = dir.resolve("whole.jfr");
    Thread busy = new Thread(ScrubbedPrefixTest::spinForTheProfile, BUSY_THREAD);
    busy.setDaemon(true);
    try (Recording r = new Recording()) {
      r.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(5));
      r.enable("jdk.ThreadPark").withThreshold(Duration.ZERO).withStackTrace();
      r.enable("jdk.GarbageCollection");
      r.start();
      busy.start();
      Thread.sleep(300);
      r.dump(part);
      Thread.sleep(300);
      r.stop();
      r.dump(whole);
    } finally {
      busy.interrupt();
    }
    byte[] first = Files.readAllBytes(part);
    assertArrayEquals(first, Arrays.copyOf(Files.readAllBytes(whole), first.length), "the whole begins with the part");
  }

  @Test
  void thePartRewrittenAheadAndTheRestAfterItAreTheWholeRewrittenAtOnce() throws Exception {
    Sanitizer sanitizer = sanitizerKnowing(THREAD_SECRET);
    ScrubbedPrefix ahead = ScrubbedPrefix.of(part, SAMPLES, sanitizer, ENTRY);

    EntryScrubber inTwo = sanitizer.forEntry(ENTRY);
    byte[] twoParts = scrub(ahead, whole, inTwo);
    EntryScrubber atOnce = sanitizer.forEntry(ENTRY);
    byte[] once = scrub(SAMPLES, whole, atOnce);

    assertArrayEquals(once, twoParts);
    assertEquals(atOnce.redactions(), inTwo.redactions(), "each distinct string counted once, as at once");
    assertTrue(inTwo.redactions().getOrDefault(EntryScrubber.LEARNED, 0) > 0, inTwo.redactions().toString());
    String latin = new String(twoParts, StandardCharsets.ISO_8859_1);
    assertFalse(latin.contains(THREAD_SECRET));
    assertTrue(latin.contains(sanitizer.token(THREAD_SECRET)));
    assertTrue(twoParts.length > Files.size(part) / 4, "more than a header: " + twoParts.length);
  }

  /** A secret learned after the part was rewritten: its sanitizer is another, and the whole is rewritten with it. */
  @Test
  void anotherSanitizerRewritesTheWhole() throws Exception {
    ScrubbedPrefix ahead = ScrubbedPrefix.of(part, SAMPLES, sanitizerKnowing("nothing-in-this-recording"), ENTRY);
    Sanitizer end = sanitizerKnowing(THREAD_SECRET);

    byte[] out = scrub(ahead, whole, end.forEntry(ENTRY));

    assertArrayEquals(scrub(SAMPLES, whole, end.forEntry(ENTRY)), out);
    assertFalse(new String(out, StandardCharsets.ISO_8859_1).contains(THREAD_SECRET));
  }

  @Test
  void anotherEntryRewritesTheWhole() throws Exception {
    Sanitizer sanitizer = sanitizerKnowing(THREAD_SECRET);
    ScrubbedPrefix ahead = ScrubbedPrefix.of(part, SAMPLES, sanitizer, ENTRY);
    Path changed = withMethodRenamedInThePart();

    byte[] out = scrub(ahead, changed, sanitizer.forEntry("profile/events.jfr"));

    assertTrue(new String(out, StandardCharsets.ISO_8859_1).contains(renamed()), "read from the file, not ahead");
  }

  /**
   * The part's rewrite is what is written first, not read again: a file changed inside the part's bytes since (the
   * caller checks, by SHA-256, that it was not) comes out with the part as it was rewritten.
   */
  @Test
  void thePartIsNotRewrittenAgain() throws Exception {
    Sanitizer sanitizer = sanitizerKnowing(THREAD_SECRET);
    ScrubbedPrefix ahead = ScrubbedPrefix.of(part, SAMPLES, sanitizer, ENTRY);
    Path changed = withMethodRenamedInThePart();

    String out = new String(scrub(ahead, changed, sanitizer.forEntry(ENTRY)), StandardCharsets.ISO_8859_1);

    assertNotEquals(-1, new String(scrub(SAMPLES, changed, sanitizer.forEntry(ENTRY)), StandardCharsets.ISO_8859_1)
        .indexOf(renamed()), "the whole rewritten at once has the change");
    assertFalse(out.contains(renamed()), "the part comes as rewritten ahead");
  }

  private static Path withMethodRenamedInThePart() throws Exception {
    byte[] bytes = Files.readAllBytes(whole);
    String latin = new String(bytes, StandardCharsets.ISO_8859_1);
    int at = latin.indexOf(METHOD);
    assertTrue(at >= 0 && at < Files.size(part), "the method's name is in the part's constants");
    byte[] to = renamed().getBytes(StandardCharsets.ISO_8859_1);
    System.arraycopy(to, 0, bytes, at, to.length);
    return Files.write(dir.resolve("changed-" + System.nanoTime() + ".jfr"), bytes);
  }

  /** {@link #METHOD}, one letter changed: the same length, so the chunk still parses. */
  private static String renamed() {
    return METHOD.substring(0, METHOD.length() - 1) + "X";
  }

  private static byte[] scrub(dev.supportpacket.agent.sanitize.BinaryScrubber scrubber, Path source,
      EntryScrubber text) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    scrubber.scrub(source, out, text);
    return out.toByteArray();
  }

  private static Sanitizer sanitizerKnowing(String secret) {
    Sanitizer s = Sanitizer.withRandomKey();
    s.learnLiteral(secret);
    return s;
  }

  private static void spinForTheProfile() {
    long x = 0;
    while (!Thread.currentThread().isInterrupted()) {
      x += System.nanoTime() % 7;
      if ((x & 0xfff) == 0) {
        java.util.concurrent.locks.LockSupport.parkNanos(50_000);
      }
    }
    if (x == 42) {
      System.out.print(Map.of());
    }
  }
}
