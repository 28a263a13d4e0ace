package dev.supportpacket.agent.sanitize.hprof;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * Reads an HPROF stream and echoes every byte it consumes to a sink, the ranges consumed with {@link #replace}
 * overwritten first: so a rewriter only says what to blank, and every record keeps its exact structure and size.
 * With no sink (the first pass) nothing is echoed and large ranges are skipped.
 */
final class HprofInput {
  private static final int BUFFER = 1 << 20;

  private final InputStream in;
  /** Null in the first pass: nothing is written. */
  private final OutputStream sink;
  private final byte[] buf = new byte[BUFFER];
  /** One byte per element: '*' (byte[] in Latin-1 strings, UTF8 records). */
  static final Fill STARS = new Fill((byte) '*');
  /** Two bytes per element, big-endian: '*' as a char. */
  static final Fill CHAR_STARS = new Fill((byte) 0, (byte) '*');
  /** Numbers and booleans: 0, false. */
  static final Fill ZEROS = new Fill((byte) 0);
  private int pos;
  private int limit;
  /** Start of the bytes in buf consumed but not yet echoed. */
  private int echoFrom;
  private long consumed;

  HprofInput(InputStream in, OutputStream sink) {
    this.in = in;
    this.sink = sink;
  }

  long consumed() {
    return consumed;
  }

  /** True at a clean end of input (between records). */
  boolean atEnd() throws IOException {
    return pos == limit && !refill(1, false);
  }

  int u1() throws IOException {
    need(1);
    consumed++;
    return buf[pos++] & 0xff;
  }

  int u2() throws IOException {
    need(2);
    int v = ((buf[pos] & 0xff) << 8) | (buf[pos + 1] & 0xff);
    pos += 2;
    consumed += 2;
    return v;
  }

  long u4() throws IOException {
    need(4);
    long v = ((buf[pos] & 0xffL) << 24) | ((buf[pos + 1] & 0xffL) << 16) | ((buf[pos + 2] & 0xffL) << 8)
        | (buf[pos + 3] & 0xffL);
    pos += 4;
    consumed += 4;
    return v;
  }

  long u8() throws IOException {
    return (u4() << 32) | u4();
  }

  long id(int idSize) throws IOException {
    return idSize == 4 ? u4() : u8();
  }

  /** Consumes the NUL-terminated header string. */
  String cstring(int max) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int c = u1(); c != 0; c = u1()) {
      if (sb.length() >= max) {
        throw new IOException("not an HPROF file: no header within " + max + " bytes");
      }
      sb.append((char) c);
    }
    return sb.toString();
  }

  /** Consumes n bytes, echoing them unchanged. */
  void pass(long n) throws IOException {
    if (sink == null) {
      skip(n);
      return;
    }
    while (n > 0) {
      if (pos == limit) {
        need(1);
      }
      int k = (int) Math.min(n, limit - pos);
      pos += k;
      consumed += k;
      n -= k;
    }
  }

  /**
   * Consumes n bytes and puts n bytes of {@code fill} in their place. They are overwritten in the buffer and echoed
   * with the bytes around them: blanking a 4-byte field costs no write of its own.
   */
  void replace(long n, Fill fill) throws IOException {
    if (sink == null) {
      skip(n);
      return;
    }
    long done = 0;
    while (done < n) {
      if (pos == limit) {
        need(1);
      }
      int k = (int) Math.min(n - done, limit - pos);
      fill.write(buf, pos, k, (int) (done % fill.period));
      pos += k;
      consumed += k;
      done += k;
    }
  }

  private void skip(long n) throws IOException {
    long inBuf = Math.min(n, limit - pos);
    pos += (int) inBuf;
    consumed += inBuf;
    long left = n - inBuf;
    while (left > 0) {
      long s = in.skip(left);
      if (s <= 0) {
        if (in.read() < 0) {
          throw new EOFException("HPROF input ends inside a record");
        }
        s = 1;
      }
      left -= s;
      consumed += s;
    }
  }

  /** Writes what was consumed and not yet echoed. */
  void flushEcho() throws IOException {
    if (sink != null && pos > echoFrom) {
      sink.write(buf, echoFrom, pos - echoFrom);
    }
    echoFrom = pos;
  }

  private void need(int n) throws IOException {
    if (limit - pos < n && !refill(n, true)) {
      throw new EOFException("HPROF input ends inside a record");
    }
  }

  /** Makes at least n bytes available after pos; false at end of input. */
  private boolean refill(int n, boolean mustHave) throws IOException {
    flushEcho();
    int rest = limit - pos;
    System.arraycopy(buf, pos, buf, 0, rest);
    pos = 0;
    echoFrom = 0;
    limit = rest;
    while (limit < n) {
      int r = in.read(buf, limit, buf.length - limit);
      if (r < 0) {
        return false;
      }
      limit += r;
    }
    return true;
  }

  /** A constant pattern of one or two bytes, repeated over the bytes it replaces. */
  static final class Fill {
    final int period;
    private final byte first;
    private final byte second;

    private Fill(byte first) {
      this.period = 1;
      this.first = first;
      this.second = first;
    }

    private Fill(byte first, byte second) {
      this.period = 2;
      this.first = first;
      this.second = second;
    }

    /** Writes k bytes of the pattern into buf from off, starting at {@code phase} within the pattern. */
    void write(byte[] buf, int off, int k, int phase) {
      if (period == 1) {
        Arrays.fill(buf, off, off + k, first);
        return;
      }
      for (int i = 0; i < k; i++) {
        buf[off + i] = ((phase + i) & 1) == 0 ? first : second;
      }
    }
  }
}
