package dev.supportpacket.agent.collect.profile;

import dev.supportpacket.agent.collect.RecordingHandoff;
import dev.supportpacket.agent.packet.Packet;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * What the packet derives from each of its raw recordings. The same code runs in the target, or in the attach CLI
 * when one waits for the recording ({@link RecordingHandoff}); either way into a {@link Packet}, so through the one
 * sanitizer, and only the listed event types leave. JFR's parser reads the raw recording into a summary kept raw
 * (in parts, when the CLI reads the first while the recording runs); the entries are written from it at the end, and
 * the recordings rewritten whole by the scrubber (its own parser).
 */
public enum RecordingEntries implements RecordingHandoff.Derivation {
  /** The CPU profile: folded stacks, and the recording with its execution samples only. */
  CPU_PROFILE(List.of("profile/cpu-folded.txt", "profile/cpu.jfr"), "the CPU profile", "cpu") {
    @Override
    public RecordingHandoff.Reading begin(long startMillis) {
      FoldedStacks folded = new FoldedStacks();
      return reading(folded::read, (packet, raw, window) -> {
        packet.addText("profile/cpu-folded.txt", folded::write);
        Recordings.addScrubbed(packet, "profile/cpu.jfr", Set.of(CpuProfileCollector.EXECUTION_SAMPLE), raw,
            "profile/cpu-folded.txt");
      });
    }
  },
  /** The events beside the profile: their summary, and the recording with the listed event types only. */
  EVENTS(List.of("jvm/events.json", "profile/events.jfr"), "the JFR events", "events") {
    @Override
    public RecordingHandoff.Reading begin(long startMillis) {
      JfrEventSummary summary = new JfrEventSummary(Instant.ofEpochMilli(startMillis));
      return reading(summary::read, (packet, raw, window) -> {
        packet.addJson("jvm/events.json", summary.toJson(window.lengthMillis));
        Recordings.addScrubbed(packet, "profile/events.jfr", JfrEventsCollector.EVENTS.keySet(), raw,
            "jvm/events.json");
      });
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

  /** A reading that feeds every part to {@code parts} and writes the entries with {@code entries}. */
  private static RecordingHandoff.Reading reading(Parts parts, Entries entries) {
    return new RecordingHandoff.Reading() {
      @Override
      public void read(Path chunks) throws IOException {
        parts.read(chunks);
      }

      @Override
      public void writeTo(Packet packet, Path raw, RecordingHandoff.Window window) throws IOException {
        entries.writeTo(packet, raw, window);
      }
    };
  }

  @FunctionalInterface
  private interface Parts {
    void read(Path chunks) throws IOException;
  }

  @FunctionalInterface
  private interface Entries {
    void writeTo(Packet packet, Path raw, RecordingHandoff.Window window) throws IOException;
  }
}
