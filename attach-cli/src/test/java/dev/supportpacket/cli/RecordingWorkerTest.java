package dev.supportpacket.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.supportpacket.agent.collect.RecordingHandoff;
import dev.supportpacket.agent.collect.profile.RecordingEntries;
import dev.supportpacket.agent.sanitize.Sanitizer;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import jdk.jfr.Recording;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The CLI's side of a hand-over, on a real recording (a canned one it warms up on), with this test playing the
 * agent: the entries come back scrubbed with the agent's key and secrets; what the target put there is not trusted.
 */
class RecordingWorkerTest {
  /** A thread name in the canned recording, learned here as if the target had declared it a secret. */
  private static final String THREAD = "price-recalculator";

  private TargetFiles files;
  private Path handoff;
  private RecordingWorker worker;
  private final Sanitizer agent = Sanitizer.withRandomKey();

  @BeforeEach
  void handoffDirectory() throws Exception {
    files = TargetFiles.of(TargetProcess.of(ProcessHandle.current().pid()));
    handoff = files.newHandoffDirectory();
    worker = new RecordingWorker(files, handoff, null, null);
    agent.learnLiteral(THREAD);
  }

  @AfterEach
  void remove() {
    worker.close();
    files.remove(handoff);
  }

  @Test
  void theRecordingComesBackAsEntriesScrubbedWithTheAgentsKeyAndSecrets() throws Exception {
    Path own = asTheAgent("a1");
    canned(own.resolve(RecordingHandoff.RAW));
    worker.take("CPU_PROFILE", "a1");
    awaitAnswer(own);

    assertFalse(Files.exists(own.resolve(RecordingHandoff.FAILED)), () -> failure(own));
    byte[] jfr = Files.readAllBytes(own.resolve("profile_cpu.jfr"));
    String latin = new String(jfr, StandardCharsets.ISO_8859_1);
    assertFalse(latin.contains(THREAD), "the agent's learned secret is scrubbed here too");
    assertTrue(latin.contains(agent.token(THREAD)), "with the agent's token: it reads as in every other entry");
    assertTrue(Files.readString(own.resolve("profile_cpu-folded.txt")).contains("recalculatePrices"), "folded stacks");
    assertTrue(Files.readString(own.resolve("profile_cpu.jfr.counts")).contains("learned="));
  }

  /**
   * A recording that arrives while the warm-up still runs (a 1-s profile; a loaded machine) is read at once, not
   * after the warm-up's rounds, and no round starts after it: queued behind them, a target's recordings once waited
   * past the agent's minute.
   */
  @Test
  void aRecordingThatArrivesDuringTheWarmUpDoesNotWaitForIt() throws Exception {
    Path own = asTheAgent("a4");
    canned(own.resolve(RecordingHandoff.RAW));
    worker.warmUp();
    worker.take("CPU_PROFILE", "a4");
    awaitAnswer(own);
    assertFalse(Files.exists(own.resolve(RecordingHandoff.FAILED)), () -> failure(own));
    int roundsWhenAnswered = worker.warmUpRounds();
    assertTrue(roundsWhenAnswered < 6, "answered before the warm-up's 2 x 3 rounds: " + roundsWhenAnswered);
    assertTrue(worker.finishWarmUp(Duration.ofSeconds(60)), "the warm-up ends");
    assertTrue(worker.warmUpRounds() <= 2, "no round after the recording arrived: " + worker.warmUpRounds());
  }

  /**
   * A first part handed over while the recording runs is read then; after the end only the rest is, and the entries
   * are those of the whole read at once, byte for byte. A part the whole does not begin with is not used.
   */
  @Test
  void aFirstPartReadWhileTheRecordingRunsGivesTheEntriesOfTheWholeReadAtOnce() throws Exception {
    Path preview = handoff.resolve("test-preview.jfr");
    Path whole = handoff.resolve("test-whole.jfr");
    recordInTwoParts(preview, whole);
    for (RecordingEntries kind : RecordingEntries.values()) {
      Path split = asTheAgent("split-" + kind);
      Files.copy(preview, split.resolve(RecordingHandoff.PREVIEW));
      // With the state as at the end: the part is rewritten ahead too, and only the rest after the end.
      exportTo(agent, split.resolve(RecordingHandoff.PREVIEW_STATE));
      Files.writeString(split.resolve(RecordingHandoff.PREVIEW_WINDOW), new RecordingHandoff.Window(0, 0).format());
      worker.takePart(kind.name(), split.getFileName().toString());
      Files.copy(whole, split.resolve(RecordingHandoff.RAW));
      worker.take(kind.name(), split.getFileName().toString());
      awaitAnswer(split);

      Path once = asTheAgent("once-" + kind);
      Files.copy(whole, once.resolve(RecordingHandoff.RAW));
      worker.take(kind.name(), once.getFileName().toString());
      awaitAnswer(once);

      Path other = asTheAgent("other-" + kind);
      canned(other.resolve(RecordingHandoff.PREVIEW));
      Files.writeString(other.resolve(RecordingHandoff.PREVIEW_WINDOW), new RecordingHandoff.Window(0, 0).format());
      worker.takePart(kind.name(), other.getFileName().toString());
      Files.copy(whole, other.resolve(RecordingHandoff.RAW));
      worker.take(kind.name(), other.getFileName().toString());
      awaitAnswer(other);

      for (String entry : kind.entries()) {
        String file = RecordingHandoff.fileName(entry);
        for (Path own : List.of(split, once, other)) {
          assertFalse(Files.exists(own.resolve(RecordingHandoff.FAILED)), () -> failure(own));
        }
        assertArrayEquals(Files.readAllBytes(once.resolve(file)), Files.readAllBytes(split.resolve(file)), entry);
        assertArrayEquals(Files.readAllBytes(once.resolve(file)), Files.readAllBytes(other.resolve(file)), entry);
        assertEquals(counts(once, file), counts(split, file), entry);
      }
    }
    assertEquals(2, worker.partsUsed(), "one part used per kind, not the one the whole does not begin with");
    assertEquals(2, worker.earlySanitizersUsed(), "the split ones were scrubbed with the state of their part");
    String events = Files.readString(handoff.resolve("once-EVENTS").resolve("jvm_events.json"));
    assertEquals(2, events.split("System.gc\\(\\)", -1).length - 1, "a collection from each part: " + events);
  }

  /**
   * Both kinds handed over as the agent does, from one dump (the second kind's files hard links): the rest after the
   * first part is read once for both, and each kind's entries are those of its whole read at once.
   */
  @Test
  void theRestOfOneDumpIsReadOnceForBothKinds() throws Exception {
    Path preview = handoff.resolve("test-preview.jfr");
    Path whole = handoff.resolve("test-whole.jfr");
    recordInTwoParts(preview, whole);
    for (RecordingEntries kind : RecordingEntries.values()) {
      Path own = asTheAgent("both-" + kind);
      Files.createLink(own.resolve(RecordingHandoff.PREVIEW), preview);
      Files.writeString(own.resolve(RecordingHandoff.PREVIEW_WINDOW), new RecordingHandoff.Window(0, 0).format());
      exportTo(agent, own.resolve(RecordingHandoff.PREVIEW_STATE));
      worker.takePart(kind.name(), own.getFileName().toString());
    }
    // As in a packet, where the end comes a second after the parts: they are read by then.
    long end = System.nanoTime() + 60_000_000_000L;
    while (worker.partsRead() < 2 && System.nanoTime() < end) {
      Thread.sleep(5);
    }
    for (RecordingEntries kind : RecordingEntries.values()) {
      Files.createLink(handoff.resolve("both-" + kind).resolve(RecordingHandoff.RAW), whole);
      worker.take(kind.name(), "both-" + kind);
    }
    for (RecordingEntries kind : RecordingEntries.values()) {
      Path both = handoff.resolve("both-" + kind);
      awaitAnswer(both);
      assertFalse(Files.exists(both.resolve(RecordingHandoff.FAILED)), () -> failure(both));
      Path once = asTheAgent("once-" + kind);
      Files.copy(whole, once.resolve(RecordingHandoff.RAW));
      worker.take(kind.name(), once.getFileName().toString());
      awaitAnswer(once);
      for (String entry : kind.entries()) {
        String file = RecordingHandoff.fileName(entry);
        assertArrayEquals(Files.readAllBytes(once.resolve(file)), Files.readAllBytes(both.resolve(file)), entry);
      }
    }
    assertEquals(2, worker.partsUsed());
    assertEquals(1, worker.restsShared(), "one reading of the rest for both kinds");
  }

  @Test
  void aLinkInTheRecordingsPlaceIsNotFollowedAndTheFailureIsTold() throws Exception {
    Path own = asTheAgent("a2");
    Path secret = Files.writeString(Files.createTempFile("not-theirs", ".jfr"), "root:$6$x$y:19000::::::\n");
    try {
      Files.createSymbolicLink(own.resolve(RecordingHandoff.RAW), secret);
      worker.take("CPU_PROFILE", "a2");
      awaitAnswer(own);
      String failed = Files.readString(own.resolve(RecordingHandoff.FAILED));
      assertTrue(failed.contains("is not a regular file"), () -> "got: " + failed);
      try (Stream<Path> s = Files.list(own)) {
        assertEquals(5, s.count(), "nothing but the failure and the end was added");
      }
    } finally {
      Files.delete(secret);
    }
  }

  @Test
  void aNameThatLeavesTheDirectoryOrAnUnknownKindIsRefused() throws Exception {
    Path own = asTheAgent("a3");
    canned(own.resolve(RecordingHandoff.RAW));
    worker.take("CPU_PROFILE", "../" + handoff.getFileName() + "/a3");
    worker.take("HEAP_DUMP", "a3");
    awaitAnswer(own);
    assertTrue(Files.readString(own.resolve(RecordingHandoff.FAILED)).contains("HEAP_DUMP"));
    assertFalse(Files.exists(own.resolve("profile_cpu.jfr")), "the name with a path was not taken");
  }

  /**
   * The sanitizer's state handed over with the first part is restored while the recording runs and used at the end
   * when the state then is the same; a secret learned after the part was handed over is scrubbed all the same.
   */
  @Test
  void theSanitizerRestoredWithTheFirstPartServesOnlyWhenTheStateAtTheEndIsTheSame() throws Exception {
    Sanitizer late = Sanitizer.withRandomKey();
    Path learnedLate = asTheAgent("late");
    exportTo(late, learnedLate.resolve(RecordingHandoff.PREVIEW_STATE));
    late.learnLiteral(THREAD);
    exportTo(late, learnedLate.resolve(RecordingHandoff.STATE));
    Path same = asTheAgent("same");
    exportTo(agent, same.resolve(RecordingHandoff.PREVIEW_STATE));
    for (Path own : List.of(learnedLate, same)) {
      canned(own.resolve(RecordingHandoff.PREVIEW));
      Files.writeString(own.resolve(RecordingHandoff.PREVIEW_WINDOW), new RecordingHandoff.Window(0, 0).format());
      worker.takePart("CPU_PROFILE", own.getFileName().toString());
      canned(own.resolve(RecordingHandoff.RAW));
      worker.take("CPU_PROFILE", own.getFileName().toString());
      awaitAnswer(own);
      assertFalse(Files.exists(own.resolve(RecordingHandoff.FAILED)), () -> failure(own));
      String jfr = new String(Files.readAllBytes(own.resolve("profile_cpu.jfr")), StandardCharsets.ISO_8859_1);
      assertFalse(jfr.contains(THREAD), own + ": the secret in the state at the end is scrubbed");
    }
    String jfr = new String(Files.readAllBytes(learnedLate.resolve("profile_cpu.jfr")), StandardCharsets.ISO_8859_1);
    assertTrue(jfr.contains(late.token(THREAD)), "with the key of the state at the end");
    assertEquals(2, worker.partsUsed());
    assertEquals(1, worker.earlySanitizersUsed(), "the sanitizer restored early served the unchanged state only");
  }

  private static void exportTo(Sanitizer sanitizer, Path file) throws Exception {
    try (OutputStream out = Files.newOutputStream(file)) {
      sanitizer.exportState(out);
    }
  }

  /** A directory as the agent makes it: the raw recording is added by the test; state and window are written. */
  private Path asTheAgent(String name) throws Exception {
    Path own = Files.createDirectory(handoff.resolve(name));
    try (OutputStream out = Files.newOutputStream(own.resolve(RecordingHandoff.STATE))) {
      agent.exportState(out);
    }
    Files.writeString(own.resolve(RecordingHandoff.WINDOW), new RecordingHandoff.Window(0, 1000).format());
    return own;
  }

  private static Properties counts(Path own, String file) throws Exception {
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(own.resolve(file + RecordingHandoff.COUNTS_SUFFIX))) {
      p.load(in);
    }
    return p;
  }

  private static String failure(Path own) {
    try {
      return Files.readString(own.resolve(RecordingHandoff.FAILED));
    } catch (java.io.IOException e) {
      return "no answer";
    }
  }

  /** A recording of this JVM as the agent hands it over: a preview dumped while it runs, then the whole. */
  private static void recordInTwoParts(Path preview, Path whole) throws Exception {
    try (Recording r = new Recording()) {
      r.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
      r.enable("jdk.GarbageCollection");
      r.enable("jdk.ThreadPark").withThreshold(Duration.ZERO).withStackTrace();
      r.setToDisk(true);
      r.start();
      busy();
      r.dump(preview);
      busy();
      r.stop();
      r.dump(whole);
    }
  }

  /** Half a second of samples, parks, and one collection. */
  private static void busy() {
    System.gc();
    long end = System.nanoTime() + 500_000_000L;
    long x = 0;
    while (System.nanoTime() < end) {
      x += Long.numberOfTrailingZeros(System.nanoTime());
      if ((x & 0xff) == 0) {
        LockSupport.parkNanos(100_000);
      }
    }
  }

  private static void canned(Path to) throws Exception {
    try (InputStream in = RecordingWorker.class.getResourceAsStream("warm-up-raw.jfr")) {
      Files.copy(in, to);
    }
  }

  private static void awaitAnswer(Path own) throws InterruptedException {
    long end = System.nanoTime() + 60_000_000_000L;
    while (!Files.exists(own.resolve(RecordingHandoff.DONE)) && System.nanoTime() < end) {
      Thread.sleep(20);
    }
  }
}
