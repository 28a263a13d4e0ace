package dev.supportpacket.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import jdk.jfr.consumer.RecordingFile;

/** Reads JFR files the way users will: the JDK's parser and its `jfr print` tool. */
final class Jfr {
  private Jfr() {}

  /** How many events of a type, and the seconds from the first to the last. */
  record Span(long count, double seconds) {
    @Override
    public String toString() {
      return count + " events over " + seconds + " s";
    }
  }

  static Span span(Path recording, String eventType) throws Exception {
    List<Instant> times = RecordingFile.readAllEvents(recording).stream()
        .filter(e -> e.getEventType().getName().equals(eventType)).map(e -> e.getStartTime()).sorted()
        .collect(Collectors.toList());
    return times.isEmpty() ? new Span(0, 0)
        : new Span(times.size(), Duration.between(times.get(0), times.get(times.size() - 1)).toMillis() / 1000.0);
  }

  /** `jfr print` of the given JDK; fails unless it exits 0. */
  static String print(Jdk jdk, Path recording) throws Exception {
    Process p = new ProcessBuilder(jdk.tool("jfr").toString(), "print", recording.toString())
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(60, TimeUnit.SECONDS);
    assertEquals(0, p.exitValue(), "jfr print failed:\n" + out);
    return out;
  }
}
