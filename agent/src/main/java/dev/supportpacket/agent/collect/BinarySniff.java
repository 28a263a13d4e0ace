package dev.supportpacket.agent.collect;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Tells text from binary content by a sample of its bytes. A binary file found as a log or included by the operator
 * is listed, not copied: decoded as text it would be megabytes of replacement characters, and the sanitizer's rules
 * cannot see into a format they do not know.
 */
public final class BinarySniff {
  /** How many bytes at each end of a file are looked at. */
  public static final int SAMPLE_BYTES = 8192;

  private BinarySniff() {}

  /**
   * Why {@code sample} is not text (a NUL byte, or more than one in ten of its bytes neither text nor UTF-8); empty
   * when it reads as text.
   *
   * @param where which part of the file the sample is ("first", "last"), for the reason
   */
  public static Optional<String> reason(byte[] sample, String where) {
    int bad = 0;
    for (byte x : sample) {
      if (x == 0) {
        return Optional.of("a NUL byte in its " + where + " " + sample.length + " bytes");
      }
      int c = x & 0xff;
      // Control chars other than tab, newline, form feed, carriage return and ESC (colour codes) are no text.
      if (c < 0x20 && c != '\t' && c != '\n' && c != '\f' && c != '\r' && c != 0x1b || c == 0x7f) {
        bad++;
      }
    }
    // Malformed UTF-8 decodes to U+FFFD, one per bad sequence.
    bad += (int) new String(sample, StandardCharsets.UTF_8).chars().filter(c -> c == '\uFFFD').count();
    return bad * 10 > sample.length
        ? Optional.of(bad + " of its " + where + " " + sample.length + " bytes are neither text nor UTF-8")
        : Optional.empty();
  }

  /** Like {@link #reason(byte[], String)} for a whole file's bytes: its first and its last sample. */
  public static Optional<String> reason(byte[] content) {
    int n = Math.min(SAMPLE_BYTES, content.length);
    Optional<String> why = reason(java.util.Arrays.copyOf(content, n), "first");
    if (why.isPresent() || content.length <= SAMPLE_BYTES) {
      return why;
    }
    return reason(java.util.Arrays.copyOfRange(content, content.length - SAMPLE_BYTES, content.length), "last");
  }
}
