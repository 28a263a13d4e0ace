package dev.supportpacket.agent.collect.profile;

import dev.supportpacket.agent.collect.Collector;
import dev.supportpacket.agent.packet.Packet;
import dev.supportpacket.agent.sanitize.jfr.JfrScrubber;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import jdk.jfr.FlightRecorder;

/**
 * What the packet's two recordings (the CPU profile, the events) do alike: they need JFR, and a recording enters the
 * packet only through the JFR scrubber, keeping only its listed event types. Both are read back by the attach CLI
 * when one waits for them, else in the target's heap, which {@code RecordingHandoff} asks {@code Headroom} for.
 */
final class Recordings {
  private Recordings() {}

  static void requireJfr() throws Collector.Skipped {
    if (!FlightRecorder.isAvailable()) {
      throw new Collector.Skipped("JFR is not available in this JVM (started with -XX:-FlightRecorder?)");
    }
  }

  /**
   * Adds the scrubbed recording as {@code entry}; when it cannot be scrubbed it is left out and the error names what
   * of it is in the packet anyway.
   *
   * @param types the event types kept; every other one is dropped
   * @param summary the entry already written from the same recording
   */
  static void addScrubbed(Packet packet, String entry, Set<String> types, Path raw, String summary)
      throws IOException {
    try {
      packet.addBinary(entry, new JfrScrubber(types), raw);
    } catch (IOException e) {
      throw new IOException(entry + " left out, it could not be sanitized (" + e.getMessage() + "); " + summary
          + " is in the packet", e);
    }
  }
}
