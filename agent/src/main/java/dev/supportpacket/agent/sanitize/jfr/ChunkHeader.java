package dev.supportpacket.agent.sanitize.jfr;

import java.io.IOException;

/**
 * The 68-byte header of a chunk: magic, version, then big-endian longs (size, constant pool and metadata
 * positions, start nanos, duration, start ticks, ticks per second), the file state byte and the flag byte.
 */
final class ChunkHeader {
  static final int SIZE = 68;
  private static final int FLAG_COMPRESSED_INTS = 1;
  private static final int FLAG_FINAL_CHUNK = 1 << 1;

  final int major;
  final int minor;
  final long chunkSize;
  final long lastCheckpoint;
  final long metadata;
  final long startNanos;
  final long durationNanos;
  final long startTicks;
  final long ticksPerSecond;
  private final int flags;

  private ChunkHeader(JfrInput in) throws IOException {
    major = (in.readByte() & 0xFF) << 8 | in.readByte() & 0xFF;
    minor = (in.readByte() & 0xFF) << 8 | in.readByte() & 0xFF;
    chunkSize = in.readRawLong();
    lastCheckpoint = in.readRawLong();
    metadata = in.readRawLong();
    startNanos = in.readRawLong();
    durationNanos = in.readRawLong();
    startTicks = in.readRawLong();
    ticksPerSecond = in.readRawLong();
    int state = in.readByte() & 0xFF;
    in.skip(2);
    flags = in.readByte() & 0xFF;
    if (state != 0) {
      throw new IOException("chunk is still being written (file state " + state + ")");
    }
  }

  /**
   * Reads and checks the header at the input's position.
   *
   * @param available bytes of the file from the chunk's start on
   * @param fileOffset where the chunk starts in the file, for messages
   */
  static ChunkHeader read(JfrInput in, long available, long fileOffset) throws IOException {
    String where = "chunk at file offset " + fileOffset;
    if (in.readByte() != 'F' || in.readByte() != 'L' || in.readByte() != 'R' || in.readByte() != 0) {
      throw new IOException(where + " does not start with the JFR magic 'FLR\\0'");
    }
    ChunkHeader h;
    try {
      h = new ChunkHeader(in);
    } catch (IOException e) {
      throw new IOException(where + ": " + e.getMessage(), e);
    }
    if (h.major != 2) {
      throw new IOException(where + " has format version " + h.major + "." + h.minor + "; only 2.x is understood");
    }
    if ((h.flags & FLAG_COMPRESSED_INTS) == 0) {
      throw new IOException(where + " uses uncompressed integers, which this rewriter does not read");
    }
    if (h.chunkSize < SIZE || h.chunkSize > available) {
      throw new IOException(where + " claims " + h.chunkSize + " bytes but " + available + " are left (truncated?)");
    }
    if (!inBody(h.lastCheckpoint, h.chunkSize) || !inBody(h.metadata, h.chunkSize)) {
      throw new IOException(where + " points its constant pool or metadata outside the chunk");
    }
    return h;
  }

  /** Writes a header for a rewritten chunk: same times and version, new positions, marked complete. */
  void write(JfrOutput out, long newSize, long newCheckpoint, long newMetadata) {
    out.writeBytes(new byte[] {'F', 'L', 'R', 0}, 0, 4);
    out.writeByte(major >>> 8);
    out.writeByte(major);
    out.writeByte(minor >>> 8);
    out.writeByte(minor);
    out.writeRawLong(newSize);
    out.writeRawLong(newCheckpoint);
    out.writeRawLong(newMetadata);
    out.writeRawLong(startNanos);
    out.writeRawLong(durationNanos);
    out.writeRawLong(startTicks);
    out.writeRawLong(ticksPerSecond);
    out.writeByte(0); // file state: finished
    out.writeByte(0);
    out.writeByte(0);
    out.writeByte(flags & (FLAG_COMPRESSED_INTS | FLAG_FINAL_CHUNK));
  }

  private static boolean inBody(long position, long chunkSize) {
    return position >= SIZE && position < chunkSize;
  }
}
