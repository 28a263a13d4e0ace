package dev.supportpacket.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import jdk.jfr.consumer.RecordingFile;

/** Reads JFR files the way users will: the JDK's parser and its `jfr print` tool. */
final class Jfr {
  private Jfr() {}

  static long count(Path recording, String eventType) throws Exception {
    return RecordingFile.readAllEvents(recording).stream()
        .filter(e -> e.getEventType().getName().equals(eventType)).count();
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
