package dev.supportpacket.agent.packet;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;

/**
 * Raw storage of entries behind a {@link Packet}; only the packet writes to it. An entry becomes part of the
 * archive when committed; one closed without commit (a collector that failed or timed out halfway) is dropped.
 */
public interface EntrySink {
  EntryOutput begin(String name) throws IOException;

  /**
   * The committed bytes of {@code name} when this sink keeps them readable until it is sealed (for the analysis
   * at the end of the packet); empty otherwise. The caller closes the stream.
   */
  default Optional<InputStream> committed(String name) throws IOException {
    return Optional.empty();
  }

  /** The bytes of one entry on their way in. */
  interface EntryOutput extends AutoCloseable {
    OutputStream stream();

    /**
     * The bytes written so far, for the final check before commit. Closes {@link #stream()}: nothing more can be
     * written to this entry. The caller closes the returned stream.
     */
    InputStream written() throws IOException;

    /** The bytes written so far; like {@link #written()}, it ends the writing. */
    long size() throws IOException;

    /**
     * Adds the entry to the archive.
     *
     * @return the entry's size in bytes
     * @throws IOException when the archive is already sealed or cannot be written
     */
    long commit() throws IOException;

    /** Discards the entry unless it was committed. */
    @Override
    void close() throws IOException;
  }
}
