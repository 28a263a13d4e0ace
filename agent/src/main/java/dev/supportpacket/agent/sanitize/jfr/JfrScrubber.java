package dev.supportpacket.agent.sanitize.jfr;

import dev.supportpacket.agent.sanitize.BinaryScrubber;
import dev.supportpacket.agent.sanitize.EntryScrubber;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Rebuilds a JFR recording so that it holds only the wanted event types, the constants they reach, and strings
 * (thread names above all) passed through the sanitizer. Fails closed: a chunk it cannot parse throws.
 *
 * <p>Works one chunk at a time: a chunk is read whole into memory (the JVM rotates chunks at 12 MB by default),
 * rebuilt into a buffer, and only then written, so a chunk that fails to parse leaves nothing of itself in the
 * output. Chunks written before a failure are already sanitized; the caller still drops the whole entry.
 */
public final class JfrScrubber implements BinaryScrubber {
  /** Refuse chunks we would have to hold in memory beyond this; the JVM's own maximum chunk size is far lower. */
  private static final long MAX_CHUNK_SIZE = 512L * 1024 * 1024;

  private final Set<String> keptEvents;

  /** @param keptEvents names of the event types to keep, for example {@code jdk.ExecutionSample} */
  public JfrScrubber(Set<String> keptEvents) {
    this.keptEvents = Set.copyOf(keptEvents);
  }

  @Override
  public void scrub(Path source, OutputStream out, EntryScrubber text) throws IOException {
    scrub(source, 0, out, text, new HashMap<>());
  }

  /**
   * Rewrites the chunks of {@code source} from byte {@code from} on, the first chunk's start.
   *
   * @param scrubbed each string already scrubbed, with what it became; those added here are put in: constants such
   *     as symbols and thread names repeat in every chunk, and each distinct one is scrubbed (and counted) once
   */
  void scrub(Path source, long from, OutputStream out, EntryScrubber text, Map<String, String> scrubbed)
      throws IOException {
    UnaryOperator<String> scrub = s -> scrubbed.computeIfAbsent(s, text::text);
    ChunkRewriter rewriter = new ChunkRewriter(keptEvents, scrub);
    try (FileChannel channel = FileChannel.open(source, StandardOpenOption.READ)) {
      long fileSize = channel.size();
      if (fileSize == 0) {
        throw new IOException(source + " is empty, not a JFR recording");
      }
      byte[] chunk = new byte[ChunkHeader.SIZE];
      JfrOutput rebuilt = new JfrOutput(64 * 1024);
      for (long offset = from; offset < fileSize; ) {
        long available = fileSize - offset;
        if (available < ChunkHeader.SIZE) {
          throw new IOException(source + ": " + available + " trailing bytes at offset " + offset + " are no chunk");
        }
        readFully(channel, chunk, ChunkHeader.SIZE, offset);
        ChunkHeader header = ChunkHeader.read(new JfrInput(chunk, ChunkHeader.SIZE), available, offset);
        if (header.chunkSize > MAX_CHUNK_SIZE) {
          throw new IOException(source + ": chunk at offset " + offset + " is " + header.chunkSize + " bytes, too large");
        }
        int size = (int) header.chunkSize;
        if (chunk.length < size) {
          chunk = new byte[size];
        }
        readFully(channel, chunk, size, offset);
        rebuilt.reset();
        try {
          rewriter.rewrite(new JfrInput(chunk, size), header, rebuilt);
        } catch (IOException | RuntimeException e) {
          throw new IOException(source + ": cannot rewrite the chunk at offset " + offset + ": " + e.getMessage(), e);
        }
        rebuilt.writeTo(out);
        offset += size;
      }
    }
  }

  private static void readFully(FileChannel channel, byte[] into, int length, long position) throws IOException {
    ByteBuffer buf = ByteBuffer.wrap(into, 0, length);
    while (buf.hasRemaining()) {
      if (channel.read(buf, position + buf.position()) < 0) {
        throw new IOException("unexpected end of file at offset " + (position + buf.position()));
      }
    }
  }
}
