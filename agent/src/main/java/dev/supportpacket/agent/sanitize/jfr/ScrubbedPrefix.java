package dev.supportpacket.agent.sanitize.jfr;

import dev.supportpacket.agent.sanitize.BinaryScrubber;
import dev.supportpacket.agent.sanitize.EntryScrubber;
import dev.supportpacket.agent.sanitize.Sanitizer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The first chunks of a recording that still runs, rewritten by the {@link JfrScrubber} ahead of its end: the attach
 * CLI does it while the recording's last second runs, so that after the stop only the chunks beyond are left to
 * rewrite. A recording's chunks are rewritten one by one, each on its own, so the prefix and the rest rewritten
 * after it are, byte for byte and count for count, the whole recording rewritten at once, as long as the same
 * sanitizer scrubs both. The prefix is therefore used only by the very sanitizer it was made with, for the same
 * entry; with any other (a secret learned since, another key) the whole is rewritten. Immutable.
 */
public final class ScrubbedPrefix implements BinaryScrubber {
  private final Sanitizer sanitizer;
  private final String entry;
  private final JfrScrubber whole;
  /** The length of the raw chunks rewritten: where the rest of the whole recording begins. */
  private final long rawLength;
  private final byte[] rewritten;
  private final Map<String, String> scrubbed;
  private final Map<String, Integer> counts;

  private ScrubbedPrefix(Sanitizer sanitizer, String entry, JfrScrubber whole, long rawLength, byte[] rewritten,
      Map<String, String> scrubbed, Map<String, Integer> counts) {
    this.sanitizer = sanitizer;
    this.entry = entry;
    this.whole = whole;
    this.rawLength = rawLength;
    this.rewritten = rewritten;
    this.scrubbed = scrubbed;
    this.counts = counts;
  }

  /**
   * Rewrites {@code chunks}, whole chunks the recording begins with, for {@code entry}.
   *
   * @param whole the scrubber the whole recording is rewritten with (it says which event types are kept)
   */
  public static ScrubbedPrefix of(Path chunks, JfrScrubber whole, Sanitizer sanitizer, String entry)
      throws IOException {
    EntryScrubber text = sanitizer.forEntry(entry);
    Map<String, String> scrubbed = new HashMap<>();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    whole.scrub(chunks, 0, out, text, scrubbed);
    return new ScrubbedPrefix(sanitizer, entry, whole, Files.size(chunks), out.toByteArray(), Map.copyOf(scrubbed),
        text.redactions());
  }

  /**
   * Rewrites {@code source}, the whole recording, which begins with the chunks this was made of (the caller checked
   * that, byte for byte): this prefix, then the rest; or the whole, when {@code text} is not for this entry with
   * this sanitizer.
   */
  @Override
  public void scrub(Path source, OutputStream out, EntryScrubber text) throws IOException {
    if (!text.scrubsWith(sanitizer) || !text.entryName().equals(entry)) {
      whole.scrub(source, out, text);
      return;
    }
    if (Files.size(source) < rawLength) {
      throw new IOException(source + " is shorter than the chunks rewritten ahead of it");
    }
    text.addCounts(counts);
    out.write(rewritten);
    whole.scrub(source, rawLength, out, text, new HashMap<>(scrubbed));
  }
}
