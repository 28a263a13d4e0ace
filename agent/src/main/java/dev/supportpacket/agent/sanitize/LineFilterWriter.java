package dev.supportpacket.agent.sanitize;

import java.io.IOException;
import java.io.Writer;

/**
 * Passes text on line by line, each line scrubbed. A partial line is held back until its end arrives (or close), so
 * a secret is never split across two writes and missed. Blocks of PEM private keys are replaced whole.
 */
final class LineFilterWriter extends Writer {
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
    for (int i = off; i < off + len; i++) {
      char c = cbuf[i];
      line.append(c);
      if (c == '\n') {
        emitLine();
      }
    }
  }

  private void emitLine() throws IOException {
    String l = line.toString();
    line.setLength(0);
    if (inPrivateKey) {
      if (l.contains("-----END ") && l.contains("PRIVATE KEY-----")) {
        inPrivateKey = false;
        out.write(l.substring(l.indexOf("-----END ")));
      }
      return;
    }
    int begin = l.indexOf("-----BEGIN ");
    if (begin >= 0 && l.indexOf("PRIVATE KEY-----", begin) > 0) {
      out.write(scrubber.text(l.substring(0, begin)));
      int headerEnd = l.indexOf("PRIVATE KEY-----", begin) + "PRIVATE KEY-----".length();
      out.write(l.substring(begin, headerEnd));
      out.write("\n[REDACTED:private-key]\n");
      scrubber.count("pem-private-key");
      String rest = l.substring(headerEnd);
      if (rest.contains("-----END ")) {
        out.write(rest.substring(rest.indexOf("-----END ")));
      } else {
        inPrivateKey = true;
      }
      return;
    }
    out.write(scrubber.text(l));
  }

  /** Flushes complete lines only: a partial line might still be the first half of a secret. */
  @Override
  public void flush() throws IOException {
    out.flush();
  }

  @Override
  public void close() throws IOException {
    if (line.length() > 0) {
      emitLine();
    }
    out.close();
  }
}
