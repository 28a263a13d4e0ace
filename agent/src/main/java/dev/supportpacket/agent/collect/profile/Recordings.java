package dev.supportpacket.agent.collect.profile;

import dev.supportpacket.agent.collect.CollectContext;
import dev.supportpacket.agent.collect.Collector;
import dev.supportpacket.agent.collect.RecordingHandoff;
import dev.supportpacket.agent.packet.Packet;
import java.io.IOException;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import jdk.jfr.FlightRecorder;

/**
 * What the packet's two recordings (the CPU profile, the events) do alike: they need JFR, and a recording enters the
 * packet only through the JFR scrubber, keeping only its listed event types. Both are read back by the attach CLI
 * when one waits for them, else in the target's heap, which {@code RecordingHandoff} asks {@code Headroom} for.
 */
final class Recordings {
  private Recordings() {}

  /**
   * Records one window of the profile's length on the packet's shared recording and adds {@code what}'s entries
   * through the hand-over: what both collectors do, each with its own hand-over.
   *
   * @param secondsLeft told once a second while the window runs
   * @param started told the recording's use once it runs
   */
  static void record(CollectContext ctx, Packet packet, PacketRecording recording, RecordingEntries what,
      LongConsumer secondsLeft, Consumer<PacketRecording.Use> started)
      throws IOException, InterruptedException, Collector.Skipped {
    requireJfr();
    try (RecordingHandoff.Work work = ctx.handoff().begin(what, () -> ctx.scratchPath(what.scratch, ".jfr"),
        what.step)) {
      long start;
      Duration window;
      // try-with-resources: an interrupted or failed recording never stays running in the target.
      try (PacketRecording.Use use = recording.open()) {
        started.accept(use);
        // The recording's own start: the other collector may have started it a moment before.
        start = use.start().toEpochMilli();
        use.await(ctx.options().profileDuration(), work, secondsLeft);
        window = use.stopAndDump(work.raw());
      }
      work.derive(packet, new RecordingHandoff.Window(start, window.toMillis()));
    }
  }

  private static void requireJfr() throws Collector.Skipped {
    if (!FlightRecorder.isAvailable()) {
      throw new Collector.Skipped("JFR is not available in this JVM (started with -XX:-FlightRecorder?)");
    }
  }
}
