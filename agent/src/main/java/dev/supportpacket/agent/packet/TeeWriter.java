package dev.supportpacket.agent.packet;

import java.io.IOException;
import java.io.Writer;

/** Writes into an entry and gives a copy of the same text to an observer, which is flushed but never closed. */
final class TeeWriter extends Writer {
  private final Writer entry;
  private final Writer copy;

  TeeWriter(Writer entry, Writer copy) {
    this.entry = entry;
    this.copy = copy;
  }

  @Override
  public void write(char[] buf, int off, int len) throws IOException {
    entry.write(buf, off, len);
    copy.write(buf, off, len);
  }

  @Override
  public void flush() throws IOException {
    entry.flush();
    copy.flush();
  }

  @Override
  public void close() throws IOException {
    copy.flush();
    entry.close();
  }
}
