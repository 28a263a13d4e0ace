package dev.supportpacket.agent.collect.logs;

import dev.supportpacket.agent.collect.BinarySniff;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

/**
 * Copies the end of a log file, whole lines only: the window starts after the first newline inside it, so no line
 * is cut in two. A gzip file is decompressed on the fly (twice: once to learn its length, once to copy), so neither
 * the heap nor the disk holds it whole.
 */
final class LogTail {
  private LogTail() {}

  /** What was copied: the file's (decompressed) length, where the copy started, and how many bytes it took. */
  static final class Copied {
    final long length;
    final long from;
    final long bytes;

    Copied(long length, long from, long bytes) {
      this.length = length;
      this.from = from;
      this.bytes = bytes;
    }
  }

  /**
   * Writes at most the last {@code maxBytes} of {@code file} to {@code out}, starting at a line boundary.
   *
   * @param gzip the file is gzip-compressed; its decompressed content is tailed
   * @param growing the file is being written: a last line without its newline is left out (it may be half written)
   */
  static Copied copy(Path file, boolean gzip, boolean growing, long maxBytes, Writer out) throws IOException {
    long length;
    if (gzip) {
      try (InputStream in = open(file, true)) {
        length = in.transferTo(OutputStreamNull.INSTANCE);
      }
    } else {
      length = Files.size(file);
    }
    long from = Math.max(0, length - maxBytes);
    try (InputStream raw = open(file, gzip)) {
      boolean atLineStart = true;
      if (from > 0) {
        skipFully(raw, from - 1);
        atLineStart = raw.read() == '\n';
      }
      CountingInput in = new CountingInput(raw, length - from);
      if (!atLineStart) {
        // Start after the first newline inside the window: the line before it began outside the window.
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
          // skip the cut line
        }
      }
      long skipped = in.count;
      Reader r = new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE));
      char[] buf = new char[8192];
      StringBuilder pending = new StringBuilder();
      int n;
      while ((n = r.read(buf)) != -1) {
        if (Thread.currentThread().isInterrupted()) {
          throw new java.io.InterruptedIOException("cancelled while copying " + file);
        }
        int lastNl = -1;
        for (int i = n - 1; i >= 0; i--) {
          if (buf[i] == '\n') {
            lastNl = i;
            break;
          }
        }
        if (lastNl < 0) {
          pending.append(buf, 0, n);
          continue;
        }
        out.append(pending).write(buf, 0, lastNl + 1);
        pending.setLength(0);
        pending.append(buf, lastNl + 1, n - lastNl - 1);
      }
      long dropped = 0;
      if (pending.length() > 0) {
        if (growing) {
          dropped = pending.toString().getBytes(StandardCharsets.UTF_8).length;
        } else {
          out.append(pending).write('\n');
        }
      }
      return new Copied(length, from + skipped, in.count - skipped - dropped);
    }
  }

  /** How much of a log is looked at to tell text from binary content: its first and its last bytes. */
  static final int SNIFF_BYTES = BinarySniff.SAMPLE_BYTES;

  /**
   * Why {@code file} is not a text log (a NUL byte, or more than one in ten of its bytes neither text nor UTF-8), in
   * its first and its last {@value #SNIFF_BYTES} bytes (the first only of a gzip file); empty when it reads as text.
   */
  static Optional<String> binaryContent(Path file, boolean gzip) throws IOException {
    byte[] head;
    try (InputStream in = open(file, gzip)) {
      head = in.readNBytes(SNIFF_BYTES);
    }
    Optional<String> why = BinarySniff.reason(head, "first");
    if (why.isPresent() || gzip) {
      return why;
    }
    long size = Files.size(file);
    if (size <= SNIFF_BYTES) {
      return why;
    }
    byte[] tail;
    try (InputStream in = open(file, false)) {
      skipFully(in, size - SNIFF_BYTES);
      tail = in.readNBytes(SNIFF_BYTES);
    }
    return BinarySniff.reason(tail, "last");
  }

  private static InputStream open(Path file, boolean gzip) throws IOException {
    InputStream in = new BufferedInputStream(Files.newInputStream(file), 65536);
    if (!gzip) {
      return in;
    }
    try {
      return new GZIPInputStream(in, 65536);
    } catch (IOException | RuntimeException e) {
      in.close();
      throw e;
    }
  }

  private static void skipFully(InputStream in, long n) throws IOException {
    long left = n;
    while (left > 0) {
      long s = in.skip(left);
      if (s <= 0) {
        if (in.read() == -1) {
          return;
        }
        s = 1;
      }
      left -= s;
    }
  }

  /** Reads at most {@code limit} bytes (the length seen when we started; the file may grow meanwhile). */
  private static final class CountingInput extends InputStream {
    private final InputStream in;
    private final long limit;
    long count;

    CountingInput(InputStream in, long limit) {
      this.in = in;
      this.limit = limit;
    }

    @Override
    public int read() throws IOException {
      if (count >= limit) {
        return -1;
      }
      int b = in.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (count >= limit) {
        return -1;
      }
      int n = in.read(b, off, (int) Math.min(len, limit - count));
      if (n > 0) {
        count += n;
      }
      return n;
    }
  }

  private static final class OutputStreamNull extends java.io.OutputStream {
    static final OutputStreamNull INSTANCE = new OutputStreamNull();

    @Override
    public void write(int b) {}

    @Override
    public void write(byte[] b, int off, int len) {}
  }
}
