package dev.supportpacket.agent.sanitize.jfr;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Reads one chunk held in memory, with compressed integers (LEB128-style varints, the ninth byte carrying a full
 * 8 bits), the only integer encoding the JDK's own parser accepts. Every read is bounds-checked: running off the
 * end of the chunk throws instead of reading stale bytes.
 */
final class JfrInput {
  static final byte STRING_NULL = 0;
  static final byte STRING_EMPTY = 1;
  static final byte STRING_POOL = 2;
  static final byte STRING_UTF8 = 3;
  static final byte STRING_CHARS = 4;
  static final byte STRING_LATIN1 = 5;

  private final byte[] buf;
  private final int limit;
  private int pos;

  JfrInput(byte[] buf, int limit) {
    this.buf = buf;
    this.limit = limit;
  }

  byte[] array() {
    return buf;
  }

  int limit() {
    return limit;
  }

  int position() {
    return pos;
  }

  void position(long p) throws IOException {
    if (p < 0 || p > limit) {
      throw new IOException("position " + p + " outside the chunk (size " + limit + ")");
    }
    pos = (int) p;
  }

  byte readByte() throws IOException {
    if (pos >= limit) {
      throw eof();
    }
    return buf[pos++];
  }

  void skip(long n) throws IOException {
    if (n < 0 || n > limit - pos) {
      throw new IOException("length " + n + " at position " + pos + " runs past the end of the chunk");
    }
    pos += (int) n;
  }

  long readLong() throws IOException {
    long ret = 0;
    for (int shift = 0; shift < 56; shift += 7) {
      byte b = readByte();
      ret |= (b & 0x7FL) << shift;
      if (b >= 0) {
        return ret;
      }
    }
    return ret | (readByte() & 0xFFL) << 56;
  }

  int readInt() throws IOException {
    return (int) readLong();
  }

  /** A count or length: a non-negative int that fits in what is left of the chunk. */
  int readLength() throws IOException {
    long n = readLong();
    if (n < 0 || n > limit - pos) {
      throw new IOException("length " + n + " at position " + pos + " runs past the end of the chunk");
    }
    return (int) n;
  }

  /**
   * Reads the size that starts every record (it counts its own bytes) and returns where the record ends.
   *
   * @param start position of the record, where the size was read from
   */
  long readRecordEnd(long start) throws IOException {
    long size = readLong();
    if (size <= 0 || size > limit - start) {
      throw new IOException("record at position " + start + " has invalid size " + size);
    }
    return start + size;
  }

  long readRawLong() throws IOException {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = v << 8 | (readByte() & 0xFFL);
    }
    return v;
  }

  /**
   * Reads a string in any of the six encodings. A reference into the String pool comes back as {@link PoolString}
   * so that the caller can follow it.
   */
  Object readString() throws IOException {
    byte encoding = readByte();
    switch (encoding) {
      case STRING_NULL:
        return null;
      case STRING_EMPTY:
        return "";
      case STRING_POOL:
        return new PoolString(readLong());
      case STRING_UTF8:
        return decode(StandardCharsets.UTF_8);
      case STRING_LATIN1:
        return decode(StandardCharsets.ISO_8859_1);
      case STRING_CHARS:
        int n = readLength();
        char[] chars = new char[n];
        for (int i = 0; i < n; i++) {
          chars[i] = (char) readLong();
        }
        return new String(chars);
      default:
        throw new IOException("unknown string encoding " + encoding + " at position " + (pos - 1));
    }
  }

  /** Skips a string without decoding it (used while indexing constants). */
  void skipString() throws IOException {
    byte encoding = readByte();
    switch (encoding) {
      case STRING_NULL:
      case STRING_EMPTY:
        return;
      case STRING_POOL:
        readLong();
        return;
      case STRING_UTF8:
      case STRING_LATIN1:
        skip(readLength());
        return;
      case STRING_CHARS:
        for (int i = readLength(); i > 0; i--) {
          readLong();
        }
        return;
      default:
        throw new IOException("unknown string encoding " + encoding + " at position " + (pos - 1));
    }
  }

  private String decode(java.nio.charset.Charset charset) throws IOException {
    int n = readLength();
    String s = new String(buf, pos, n, charset);
    pos += n;
    return s;
  }

  private IOException eof() {
    return new IOException("unexpected end of chunk at position " + pos);
  }

  /** A string stored as a key into the String constant pool. */
  static final class PoolString {
    final long key;

    PoolString(long key) {
      this.key = key;
    }
  }
}
