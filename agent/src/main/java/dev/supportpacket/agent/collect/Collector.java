package dev.supportpacket.agent.collect;

import dev.supportpacket.agent.options.PacketOptions;
import dev.supportpacket.agent.packet.Packet;
import java.time.Duration;
import java.util.Optional;

/**
 * Gathers one kind of content into the packet. Implementations may throw anything: the {@link CollectorRunner}
 * turns it into a line of the report. To say "nothing to collect here", throw {@link Skipped}.
 */
public interface Collector {
  /** Stable id, used in report.txt and warning.txt. */
  String id();

  /** Why this collector does not run with these options (for example: not requested); empty when it runs. */
  default Optional<String> offReason(PacketOptions options) {
    return Optional.empty();
  }

  /** How long it may take before it is cancelled and reported as failed. */
  default Duration timeout(PacketOptions options) {
    return Duration.ofSeconds(30);
  }

  /**
   * True for a collector that starts only when the others have finished: one that disturbs the application (a heap
   * dump pauses it) stays out of the CPU profile, and the largest entry is committed last, so that it is the one a
   * size budget leaves out.
   */
  default boolean runsAfterOthers() {
    return false;
  }

  /**
   * Readies what {@link #collect} will need and is slow to ready on a JVM's first packet (a subsystem started,
   * classes loaded), beside the packet's own setup, before the collectors start. Collects nothing and leaves nothing
   * running that would not have run anyway. Optional: a failure only loses the time it was to save, as {@code
   * collect} does the same work when it was not done.
   */
  default void prepare() {}

  void collect(CollectContext ctx, Packet packet) throws Exception;

  /** Thrown by a collector that had nothing to collect; the report shows it as skipped with this reason. */
  final class Skipped extends Exception {
    private static final long serialVersionUID = 1L;

    public Skipped(String reason) {
      super(reason, null, false, false);
    }
  }
}
