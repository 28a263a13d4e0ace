package dev.supportpacket.agent.collect.profile;

import dev.supportpacket.agent.collect.RecordingHandoff;
import dev.supportpacket.agent.packet.Packet;
import dev.supportpacket.agent.sanitize.Sanitizer;
import dev.supportpacket.agent.sanitize.jfr.JfrScrubber;
import dev.supportpacket.agent.sanitize.jfr.ScrubbedPrefix;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;

/**
 * What the packet derives from each of its raw recordings. The same code runs in the target, or in the attach CLI
 * when one waits for the recording ({@link RecordingHandoff}); either way into a {@link Packet}, so through the one
 * sanitizer, and only the listed event types leave. JFR's parser reads the raw recording into a summary kept raw
 * (in parts, when the CLI reads the first while the recording runs); the entries are written from it at the end, and
 * the recordings rewritten by the scrubber (its own parser): whole at the end, or the first part ahead and the rest
 * at the end when the CLI has the end's sanitizer already ({@link ScrubbedPrefix}).
 */
public enum RecordingEntries implements RecordingHandoff.Derivation {
  /** The CPU profile: folded stacks, and the recording with its execution samples only. */
  CPU_PROFILE(List.of("profile/cpu-folded.txt", "profile/cpu.jfr"), "the CPU profile", "cpu") {
    @Override
    public RecordingHandoff.Reading begin(long startMillis) {
      FoldedStacks folded = new FoldedStacks();
      return new Reading(folded::part, (packet, window) -> packet.addText(entries().get(0), folded::write),
          entries(), Set.of(CpuProfileCollector.EXECUTION_SAMPLE));
    }
  },
  /** The events beside the profile: their summary, and the recording with the listed event types only. */
  EVENTS(List.of("jvm/events.json", "profile/events.jfr"), "the JFR events", "events") {
    @Override
    public RecordingHandoff.Reading begin(long startMillis) {
      JfrEventSummary summary = new JfrEventSummary(Instant.ofEpochMilli(startMillis));
      return new Reading(() -> summary::accept,
          (packet, window) -> packet.addJson(entries().get(0), summary.toJson(window.lengthMillis)), entries(),
          JfrEventsCollector.EVENTS.keySet());
    }
  };

  private final List<String> entries;
  /** The step, as report.txt and the heap's headroom name it. */
  final String step;
  /** The prefix of its raw recording's file when it is read in the target. */
  final String scratch;

  RecordingEntries(List<String> entries, String step, String scratch) {
    this.entries = entries;
    this.step = step;
    this.scratch = scratch;
  }

  @Override
  public List<String> entries() {
    return entries;
  }

  /**
   * Reads {@code chunks}, whole chunks of a recording after those read before, once with JFR's parser for each of
   * {@code readings}: readings of one recording, or of recordings whose chunks here are the same bytes. The parser's
   * cost is nearly all in a chunk's metadata and constants, not in the events each kind keeps: for the warm-up's 2-s
   * recording 8 ms of the 9 each kind takes alone (JDK 17, C1).
   *
   * @param readings readings {@linkplain #begin begun} by this enum's kinds
   */
  public static void readTogether(Path chunks, List<RecordingHandoff.Reading> readings) throws IOException {
    List<Consumer<RecordedEvent>> parts = new ArrayList<>();
    for (RecordingHandoff.Reading r : readings) {
      if (!(r instanceof Reading)) {
        throw new IllegalArgumentException("not a reading of " + RecordingEntries.class.getSimpleName());
      }
      parts.add(((Reading) r).parts.part());
    }
    try (RecordingFile file = new RecordingFile(chunks)) {
      while (file.hasMoreEvents()) {
        RecordedEvent e = file.readEvent();
        for (Consumer<RecordedEvent> part : parts) {
          part.accept(e);
        }
      }
    }
  }

  /**
   * A reading that feeds every part to {@code parts}, writes the summary it keeps as the kind's first entry, and
   * rewrites the recording, keeping the event types {@code kept}, as its second: after the end, or its first part
   * ahead of the end when the CLI has a sanitizer then ({@link ScrubbedPrefix}).
   */
  private static final class Reading implements RecordingHandoff.Reading {
    private final Parts parts;
    private final Summary summary;
    private final String summaryEntry;
    private final String jfrEntry;
    private final JfrScrubber scrubber;
    /** The first part rewritten ahead; null until then. */
    private ScrubbedPrefix ahead;

    /** @param entries the kind's: its summary's, then its rewritten recording's */
    Reading(Parts parts, Summary summary, List<String> entries, Set<String> kept) {
      this.parts = parts;
      this.summary = summary;
      this.summaryEntry = entries.get(0);
      this.jfrEntry = entries.get(1);
      this.scrubber = new JfrScrubber(kept);
    }

    @Override
    public void read(Path chunks) throws IOException {
      readTogether(chunks, List.of(this));
    }

    @Override
    public void rewriteAhead(Path chunks, Sanitizer sanitizer) throws IOException {
      ahead = ScrubbedPrefix.of(chunks, scrubber, sanitizer, jfrEntry);
    }

    /**
     * Writes the summary, then the rewritten recording; when that cannot be rewritten it is left out, and the error
     * names what of it is in the packet anyway.
     */
    @Override
    public void writeTo(Packet packet, Path raw, RecordingHandoff.Window window) throws IOException {
      summary.writeTo(packet, window);
      try {
        packet.addBinary(jfrEntry, ahead == null ? scrubber : ahead, raw);
      } catch (IOException e) {
        throw new IOException(jfrEntry + " left out, it could not be sanitized (" + e.getMessage() + "); "
            + summaryEntry + " is in the packet", e);
      }
    }
  }

  /** Begins a part of the recording: the consumer gets its events, in order, as JFR's parser hands them out. */
  @FunctionalInterface
  private interface Parts {
    Consumer<RecordedEvent> part();
  }

  /** Writes the summary a reading kept, for the window the recording ran. */
  @FunctionalInterface
  private interface Summary {
    void writeTo(Packet packet, RecordingHandoff.Window window) throws IOException;
  }
}
