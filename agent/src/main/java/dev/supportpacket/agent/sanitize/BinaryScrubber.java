package dev.supportpacket.agent.sanitize;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;

/**
 * A format-aware scrubber: the only way binary content reaches the archive. It must understand the format well
 * enough to rebuild it; when it cannot parse its input it throws, and nothing of that input is written (fail closed).
 */
public interface BinaryScrubber {
  /**
   * Copies {@code source} into {@code out} with every secret removed.
   *
   * @param text scrubs the strings found inside the format and counts the redactions
   * @throws IOException when the input cannot be read or parsed; the caller then drops the entry
   */
  void scrub(Path source, OutputStream out, EntryScrubber text) throws IOException;
}
