package dev.supportpacket.agent.sanitize;

import java.io.IOException;
import java.io.Writer;

/**
 * Passes text on line by line, each line scrubbed. A partial line is held back until its end arrives (or close), so
 * a secret is never split across two writes and missed. Blocks of PEM private keys are replaced whole.
 *
 * <p>Hazard: a line longer than {@link #MAX_LINE} chars (a minified JSON log) is cut at its last blank before that
 * size, and the parts are scrubbed separately, to bound the memory we take from the host; a secret spanning the cut
 * would be missed by the patterns (never by the final check of learned secrets, which reads the bytes).
 */
final class LineFilterWriter extends Writer {
  static final int MAX_LINE = 1 << 20;
  private static final String PEM_END = "-----END ";
  private static final String PEM_KEY = "PRIVATE KEY";

  private final EntryScrubber scrubber;
  private final Writer out;
  private final StringBuilder line = new StringBuilder();
  private boolean inPrivateKey;

  LineFilterWriter(EntryScrubber scrubber, Writer out) {
    this.scrubber = scrubber;
    this.out = out;
  }

  @Override
  public void write(char[] cbuf, int off, int len) throws IOException {
    int end = off + len;
    int start = off;
    while (start < end) {
      if (line.length() == 0 && !inPrivateKey) {
        // The common case: whole lines that cannot hold a secret go on in one piece; no copy, no regex.
        int clean = scrubber.endOfCleanLines(cbuf, start, end);
        out.write(cbuf, start, clean - start);
        start = clean;
      }
      int lineEnd = indexOfNewline(cbuf, start, end);
      if (lineEnd < 0) {
        break;
      }
      line.append(cbuf, start, lineEnd + 1 - start);
      emitLine(line.toString());
      line.setLength(0);
      start = lineEnd + 1;
    }
    if (start < end) {
      line.append(cbuf, start, end - start);
      if (line.length() > MAX_LINE) {
        cutLongLine();
      }
    }
  }

  private static int indexOfNewline(char[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  @Override
  public void write(String str, int off, int len) throws IOException {
    // Writer's default copies through a small buffer in pieces; one array per call is cheaper for long strings.
    char[] c = new char[len];
    str.getChars(off, off + len, c, 0);
    write(c, 0, len);
  }

  private void cutLongLine() throws IOException {
    int cut = line.length();
    for (int i = line.length() - 1; i > line.length() - 8192 && i > 0; i--) {
      if (Character.isWhitespace(line.charAt(i))) {
        cut = i + 1;
        break;
      }
    }
    String head = line.substring(0, cut);
    line.delete(0, cut);
    emitLine(head);
  }

  private void emitLine(String l) throws IOException {
    if (inPrivateKey) {
      int end = l.indexOf(PEM_END);
      if (end >= 0 && l.indexOf(PEM_KEY, end) > 0) {
        inPrivateKey = false;
        out.write(scrubber.text(l.substring(end)));
      }
      return;
    }
    int begin = l.indexOf("-----BEGIN ");
    int key = begin < 0 ? -1 : l.indexOf(PEM_KEY, begin);
    int headerEnd = key < 0 ? -1 : l.indexOf("-----", key);
    if (headerEnd < 0 || headerEnd - begin > 80) {
      out.write(scrubber.text(l));
      return;
    }
    headerEnd += 5;
    out.write(scrubber.text(l.substring(0, begin)));
    out.write(l, begin, headerEnd - begin);
    out.write("[REDACTED:private-key]");
    scrubber.count("pem-block");
    String rest = l.substring(headerEnd);
    int end = rest.indexOf(PEM_END);
    if (end >= 0) {
      out.write(scrubber.text(rest.substring(end)));
    } else {
      inPrivateKey = true;
      out.write('\n');
    }
  }

  /** Flushes complete lines only: a partial line might still be the first half of a secret. */
  @Override
  public void flush() throws IOException {
    out.flush();
  }

  @Override
  public void close() throws IOException {
    if (line.length() > 0) {
      emitLine(line.toString());
      line.setLength(0);
    }
    out.close();
  }
}
