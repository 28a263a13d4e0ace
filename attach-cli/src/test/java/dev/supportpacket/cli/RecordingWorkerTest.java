package dev.supportpacket.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.supportpacket.agent.collect.RecordingHandoff;
import dev.supportpacket.agent.sanitize.Sanitizer;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
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

  /** A directory as the agent makes it: the raw recording is added by the test; state and window are written. */
  private Path asTheAgent(String name) throws Exception {
    Path own = Files.createDirectory(handoff.resolve(name));
    try (OutputStream out = Files.newOutputStream(own.resolve(RecordingHandoff.STATE))) {
      agent.exportState(out);
    }
    Files.writeString(own.resolve(RecordingHandoff.WINDOW), new RecordingHandoff.Window(0, 1000).format());
    return own;
  }

  private static String failure(Path own) {
    try {
      return Files.readString(own.resolve(RecordingHandoff.FAILED));
    } catch (java.io.IOException e) {
      return "no answer";
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
