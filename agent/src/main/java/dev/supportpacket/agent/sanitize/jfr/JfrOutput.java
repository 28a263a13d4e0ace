package dev.supportpacket.agent.sanitize.jfr;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A growable buffer that writes JFR's compressed integers, raw big-endian longs and UTF-8 strings. */
final class JfrOutput {
  private byte[] buf;
  private int size;

  JfrOutput(int capacity) {
    buf = new byte[Math.max(64, capacity)];
  }

  int size() {
    return size;
  }

  void reset() {
    size = 0;
  }

  void writeByte(int b) {
    ensure(1);
    buf[size++] = (byte) b;
  }

  void writeBytes(byte[] src, int off, int len) {
    ensure(len);
    System.arraycopy(src, off, buf, size, len);
    size += len;
  }

  void writeOutput(JfrOutput other) {
    writeBytes(other.buf, 0, other.size);
  }

  void writeLong(long v) {
    ensure(9);
    for (int i = 0; i < 8; i++) {
      if ((v & ~0x7FL) == 0) {
        buf[size++] = (byte) v;
        return;
      }
      buf[size++] = (byte) (v & 0x7F | 0x80);
      v >>>= 7;
    }
    buf[size++] = (byte) v;
  }

  /**
   * Writes a record size as a varint padded to four bytes, as the JVM does, so that it can be patched once the
   * record is complete. Records are far below the 256 MB this allows; larger ones are refused.
   */
  void writePaddedInt(int v) throws IOException {
    if (v < 0 || v >= 1 << 28) {
      throw new IOException("record of " + v + " bytes is too large to rewrite");
    }
    ensure(4);
    buf[size++] = (byte) (v & 0x7F | 0x80);
    buf[size++] = (byte) (v >>> 7 & 0x7F | 0x80);
    buf[size++] = (byte) (v >>> 14 & 0x7F | 0x80);
    buf[size++] = (byte) (v >>> 21 & 0x7F);
  }

  /** Overwrites four bytes written by {@link #writePaddedInt} at {@code at}. */
  void patchPaddedInt(int at, int v) throws IOException {
    int end = size;
    size = at;
    writePaddedInt(v);
    size = end;
  }

  void writeRawLong(long v) {
    ensure(8);
    for (int shift = 56; shift >= 0; shift -= 8) {
      buf[size++] = (byte) (v >>> shift);
    }
  }

  void patchRawLong(int at, long v) {
    int end = size;
    size = at;
    writeRawLong(v);
    size = end;
  }

  /** Writes a string inline as UTF-8, or as null/empty, which every JFR reader understands. */
  void writeString(String s) {
    if (s == null) {
      writeByte(JfrInput.STRING_NULL);
    } else if (s.isEmpty()) {
      writeByte(JfrInput.STRING_EMPTY);
    } else {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      writeByte(JfrInput.STRING_UTF8);
      writeLong(b.length);
      writeBytes(b, 0, b.length);
    }
  }

  void writeTo(OutputStream out) throws IOException {
    out.write(buf, 0, size);
  }

  private void ensure(int n) {
    if (size + n > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(size + n, buf.length * 2));
    }
  }
}
