package dev.supportpacket.agent.collect.profile;

import dev.supportpacket.agent.collect.CollectContext;
import dev.supportpacket.agent.collect.Collector;
import dev.supportpacket.agent.collect.RecordingHandoff;
import dev.supportpacket.agent.options.PacketOptions;
import dev.supportpacket.agent.packet.Packet;
import java.time.Duration;
import java.util.Map;
import jdk.jfr.FlightRecorder;

/**
 * Records CPU samples with JFR for the profile duration: {@code profile/cpu.jfr} (rebuilt so that it holds only our
 * samples, see {@link JfrScrubber}) and {@code profile/cpu-folded.txt} for flame-graph tools; both read back from the
 * raw recording in the attach CLI when one waits for it ({@link RecordingHandoff}).
 *
 * <p>The raw dump holds every event of every recording the application runs and the name of every live thread, so
 * it only ever exists in the private scratch directory and is deleted on every path.
 */
public final class CpuProfileCollector implements Collector {
  static final String EXECUTION_SAMPLE = "jdk.ExecutionSample";
  /**
   * Measured on 2 cores: JDK 17's sampler takes far fewer samples than its period promises (about 25 a second per
   * busy thread at 10 ms, and fewer under load), while 2 ms gives it about 3 times as many; JDK 19 and newer keep up
   * with 10 ms. The sampler walks a handful of stacks per tick, so the shorter period costs little for 5 seconds.
   */
  static final Duration SAMPLE_PERIOD =
      Runtime.version().feature() < 19 ? Duration.ofMillis(2) : Duration.ofMillis(10);

  private final PacketRecording recording;

  /** A profile with a recording of its own. */
  public CpuProfileCollector() {
    this(new PacketRecording());
  }

  /** A profile that shares {@code recording} with the packet's other JFR collectors. */
  public CpuProfileCollector(PacketRecording recording) {
    this.recording = recording;
    recording.enlist(Map.of(EXECUTION_SAMPLE + "#enabled", "true",
        EXECUTION_SAMPLE + "#period", SAMPLE_PERIOD.toMillis() + " ms"));
  }

  @Override
  public String id() {
    return "cpu-profile";
  }

  @Override
  public Duration timeout(PacketOptions options) {
    return options.profileDuration().plusSeconds(60);
  }

  /** Starts JFR and raises its stack depth, the slowest part of a first packet's profile to begin. */
  @Override
  public void prepare() {
    if (FlightRecorder.isAvailable()) {
      recording.prepare();
    }
  }

  @Override
  public void collect(CollectContext ctx, Packet packet) throws Exception {
    Recordings.record(ctx, packet, recording, RecordingEntries.CPU_PROFILE,
        left -> ctx.progress().phase("profile", left), use -> packet.note(use.stackDepth()));
  }
}
