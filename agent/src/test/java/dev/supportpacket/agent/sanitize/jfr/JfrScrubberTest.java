package dev.supportpacket.agent.sanitize.jfr;

import static dev.supportpacket.agent.sanitize.jfr.PlantedRecordings.ENVIRONMENT_SECRET;
import static dev.supportpacket.agent.sanitize.jfr.PlantedRecordings.PROPERTY_SECRET;
import static dev.supportpacket.agent.sanitize.jfr.PlantedRecordings.THREAD_SECRET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.supportpacket.agent.sanitize.EntryScrubber;
import dev.supportpacket.agent.sanitize.Sanitizer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Specification of the JFR rewriter, on real recordings made by JDK 17 (in this JVM) and Temurin 25 (a child JVM)
 * while an application recording with the "default" settings runs alongside ours.
 */
class JfrScrubberTest {
  private static final String SAMPLE = "jdk.ExecutionSample";
  private static final Path JFR_17 = Path.of(System.getProperty("java.home"), "bin", "jfr");
  private static final Path JFR_25 = PlantedRecordings.TEMURIN_25.resolve("bin/jfr");
  private static final List<String> ALL_SECRETS = List.of(THREAD_SECRET, PROPERTY_SECRET, ENVIRONMENT_SECRET);
  private static final List<String> FORBIDDEN_EVENTS = List.of(
      "jdk.InitialSystemProperty", "jdk.InitialEnvironmentVariable", "jdk.JVMInformation", "jdk.SystemProcess",
      "jdk.ThreadDump", "jdk.ActiveRecording");

  private static Path dir;
  private static Process child17;
  private static Process child25;
  private static Path rawHere;
  private static Sanitizer sanitizer;

  @BeforeAll
  static void record() throws Exception {
    dir = Files.createTempDirectory("jfr-scrubber-test");
    // The children record while this JVM does.
    child17 = PlantedRecordings.startChild(Path.of(System.getProperty("java.home")), dir, "17");
    child25 = PlantedRecordings.startChild(PlantedRecordings.TEMURIN_25, dir, "25");
    rawHere = PlantedRecordings.recordHere(dir, 400);
    sanitizer = Sanitizer.withRandomKey();
    sanitizer.learnLiteral(THREAD_SECRET);
    sanitizer.learnLiteral(PROPERTY_SECRET);
    sanitizer.learnLiteral(ENVIRONMENT_SECRET);
  }

  @AfterAll
  static void cleanUp() throws IOException {
    for (Process p : new Process[] {child17, child25}) {
      if (p != null) {
        p.destroyForcibly();
      }
    }
    if (dir != null) {
      try (var files = Files.walk(dir)) {
        files.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Test
  void inProcessMultiChunkDumpKeepsEverySampleAndNoThreadName() throws Exception {
    assertTrue(chunkCount(rawHere) >= 2, "the dump should span a chunk rotation");
    assertScrubbedWell(rawHere, "out-here.jfr", List.of(THREAD_SECRET));
  }

  @Test
  void jdk17ChildDumpKeepsEverySampleAndNoSecret() throws Exception {
    Path raw = PlantedRecordings.awaitChild(child17, dir, "17");
    assertScrubbedWell(raw, "out-17.jfr", ALL_SECRETS);
  }

  @Test
  void temurin25ChildDumpKeepsEverySampleAndNoSecret() throws Exception {
    Path raw = PlantedRecordings.awaitChild(child25, dir, "25");
    assertScrubbedWell(raw, "out-25.jfr", ALL_SECRETS);
  }

  @Test
  void concatenatedDumpsRewriteChunkByChunk() throws Exception {
    Path twice = dir.resolve("twice.jfr");
    byte[] once = Files.readAllBytes(rawHere);
    try (OutputStream out = Files.newOutputStream(twice)) {
      out.write(once);
      out.write(once);
    }
    Path out = scrub(twice, "out-twice.jfr");
    assertEquals(2 * chunkCount(rawHere), chunkCount(out));
    assertEquals(samples(twice, UnaryOperator.identity()).size(), samples(out, UnaryOperator.identity()).size());
    assertNoSecretBytes(Files.readAllBytes(out));
  }

  @Test
  void garbageThrows() {
    byte[] noise = new byte[4096];
    new Random(7).nextBytes(noise);
    assertFailsClosed(noise);
    assertFailsClosed(new byte[0]);
    assertFailsClosed("FLR\0 not really a recording, just its magic and some text".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void truncatedRecordingThrowsAndWritesNothing() throws Exception {
    byte[] all = Files.readAllBytes(rawHere);
    long firstChunk = readRawLong(all, 8);
    assertFailsClosed(Arrays.copyOf(all, (int) firstChunk / 2));
    assertFailsClosed(Arrays.copyOf(all, (int) firstChunk - 1));
  }

  @Test
  void corruptedConstantPoolPositionThrows() throws Exception {
    byte[] all = Files.readAllBytes(rawHere);
    // Point the first chunk's checkpoint chain into the middle of an event.
    long cp = readRawLong(all, 16);
    byte[] broken = all.clone();
    writeRawLong(broken, 16, cp + 3);
    assertFailsClosed(broken);
  }

  /** @param planted secrets the raw dump must hold, or the test would prove nothing */
  private static void assertScrubbedWell(Path raw, String name, List<String> planted) throws Exception {
    byte[] rawBytes = Files.readAllBytes(raw);
    for (String secret : planted) {
      assertTrue(contains(rawBytes, secret.getBytes(StandardCharsets.UTF_8)), "the raw dump lacks " + secret);
    }

    Path out = scrub(raw, name);
    assertNoSecretBytes(Files.readAllBytes(out));

    EntryScrubber expectedNames = sanitizer.forEntry("expected");
    List<String> before = samples(raw, expectedNames::text);
    List<String> after = samples(out, UnaryOperator.identity());
    assertFalse(before.isEmpty(), "the raw dump has no execution samples");
    assertEquals(before, after, "samples (time, thread, stack) must survive the rewrite, names scrubbed");
    assertTrue(after.stream().anyMatch(s -> s.contains("worker-[REDACTED:")),
        "the busy thread should be sampled, its name redacted: " + after.get(0));
    try (RecordingFile f = new RecordingFile(out)) {
      Set<String> types = new HashSet<>();
      while (f.hasMoreEvents()) {
        types.add(f.readEvent().getEventType().getName());
      }
      assertEquals(Set.of(SAMPLE), types);
    }

    CompletableFuture<String> print17 = CompletableFuture.supplyAsync(() -> jfrPrint(JFR_17, out));
    CompletableFuture<String> print25 = CompletableFuture.supplyAsync(() -> jfrPrint(JFR_25, out));
    for (String text : List.of(print17.get(60, TimeUnit.SECONDS), print25.get(60, TimeUnit.SECONDS))) {
      for (String secret : ALL_SECRETS) {
        assertFalse(text.contains(secret), "jfr print shows " + secret);
      }
      for (String event : FORBIDDEN_EVENTS) {
        assertFalse(text.contains(event + " {"), "jfr print shows " + event);
      }
      assertTrue(text.contains(SAMPLE + " {"), "jfr print shows no sample");
    }
  }

  private static Path scrub(Path raw, String name) throws IOException {
    Path out = dir.resolve(name);
    try (OutputStream os = Files.newOutputStream(out)) {
      new JfrScrubber(Set.of(SAMPLE)).scrub(raw, os, sanitizer.forEntry("profile/cpu.jfr"));
    }
    return out;
  }

  private static void assertFailsClosed(byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      Path bad = Files.createTempFile(dir, "bad", ".jfr");
      Files.write(bad, content);
      assertThrows(IOException.class,
          () -> new JfrScrubber(Set.of(SAMPLE)).scrub(bad, out, sanitizer.forEntry("bad")));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    assertEquals(0, out.size(), "nothing may be written from a chunk that failed");
  }

  private static void assertNoSecretBytes(byte[] content) {
    for (String secret : ALL_SECRETS) {
      for (Charset cs : List.of(StandardCharsets.UTF_8, StandardCharsets.ISO_8859_1, StandardCharsets.UTF_16BE,
          StandardCharsets.UTF_16LE)) {
        assertFalse(contains(content, secret.getBytes(cs)), "output holds " + secret + " in " + cs);
      }
    }
  }

  /** Each sample as "time thread | frames", thread name passed through {@code names}. */
  private static List<String> samples(Path file, UnaryOperator<String> names) throws IOException {
    List<String> out = new ArrayList<>();
    try (RecordingFile f = new RecordingFile(file)) {
      while (f.hasMoreEvents()) {
        RecordedEvent e = f.readEvent();
        if (!e.getEventType().getName().equals(SAMPLE)) {
          continue;
        }
        RecordedThread t = e.getThread("sampledThread");
        StringBuilder sb = new StringBuilder().append(e.getStartTime()).append(' ')
            .append(names.apply(t.getJavaName())).append('/').append(names.apply(t.getOSName())).append(" |");
        for (RecordedFrame frame : e.getStackTrace().getFrames()) {
          sb.append(' ').append(frame.getMethod().getType().getName()).append('.')
              .append(frame.getMethod().getName()).append(frame.getMethod().getDescriptor())
              .append(':').append(frame.getLineNumber());
        }
        out.add(sb.toString());
      }
    }
    return out;
  }

  private static String jfrPrint(Path jfr, Path file) {
    if (!Files.isExecutable(jfr)) {
      fail("this test needs " + jfr + " (Temurin 25 at " + PlantedRecordings.TEMURIN_25 + ")");
    }
    try {
      Process p = new ProcessBuilder(jfr.toString(), "print", file.toString()).redirectErrorStream(true).start();
      byte[] text = p.getInputStream().readAllBytes();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        fail(jfr + " print did not finish");
      }
      String s = new String(text, StandardCharsets.UTF_8);
      assertEquals(0, p.exitValue(), jfr + " print failed: " + s.substring(0, Math.min(2000, s.length())));
      return s;
    } catch (IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static int chunkCount(Path file) throws IOException {
    byte[] all = Files.readAllBytes(file);
    int n = 0;
    for (long at = 0; at < all.length; at += readRawLong(all, (int) at + 8)) {
      n++;
    }
    return n;
  }

  private static long readRawLong(byte[] b, int at) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = v << 8 | (b[at + i] & 0xFF);
    }
    return v;
  }

  private static void writeRawLong(byte[] b, int at, long v) {
    for (int i = 7; i >= 0; i--) {
      b[at + i] = (byte) v;
      v >>>= 8;
    }
  }

  private static boolean contains(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i <= hay.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
