package dev.supportpacket.agent.findings.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * The already written, sanitized entries of one packet, as the analysis reads them: from the packet being written
 * inside the target or from a zip on disk. The analysis never sees anything that did not pass the sanitizer.
 */
public interface PacketEntries {
  /** The most of one entry the analysis reads: beyond it the entry is cut, so a huge entry costs bounded memory. */
  int MAX_ENTRY_CHARS = 8 * 1024 * 1024;

  /** A packet without entries. */
  PacketEntries NONE = new PacketEntries() {
    @Override
    public List<String> names() {
      return List.of();
    }

    @Override
    public Optional<InputStream> open(String name) {
      return Optional.empty();
    }
  };

  /** The names of every entry, in the order written. */
  List<String> names();

  /** The committed bytes of {@code name}; empty when the packet has no such entry. */
  Optional<InputStream> open(String name) throws IOException;

  /** The entry as UTF-8 text, at most {@link #MAX_ENTRY_CHARS} bytes of it; empty when absent or unreadable. */
  default Optional<String> text(String name) {
    try {
      Optional<InputStream> in = open(name);
      if (in.isEmpty()) {
        return Optional.empty();
      }
      try (InputStream s = in.get()) {
        return Optional.of(new String(s.readNBytes(MAX_ENTRY_CHARS), StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
