package dev.supportpacket.agent.packet;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Raw storage of entries behind a {@link Packet}; only the packet writes to it. An entry becomes part of the
 * archive when committed; one closed without commit (a collector that failed or timed out halfway) is dropped.
 */
public interface EntrySink {
  EntryOutput begin(String name) throws IOException;

  /** The bytes of one entry on their way in. */
  interface EntryOutput extends AutoCloseable {
    OutputStream stream();

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
