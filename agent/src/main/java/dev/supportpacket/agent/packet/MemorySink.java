package dev.supportpacket.agent.packet;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Keeps committed entries in memory: lets a collector run into a packet in a unit test. */
public final class MemorySink implements EntrySink {
  private final Map<String, byte[]> entries = new LinkedHashMap<>();

  @Override
  public EntryOutput begin(String name) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    return new EntryOutput() {
      @Override
      public OutputStream stream() {
        return buf;
      }

      @Override
      public InputStream written() {
        return new ByteArrayInputStream(buf.toByteArray());
      }

      @Override
      public long size() {
        return buf.size();
      }

      @Override
      public long commit() {
        synchronized (entries) {
          entries.put(name, buf.toByteArray());
        }
        return buf.size();
      }

      @Override
      public void close() {}
    };
  }

  @Override
  public Optional<InputStream> committed(String name) {
    byte[] b = entries().get(name);
    return b == null ? Optional.empty() : Optional.of(new ByteArrayInputStream(b));
  }

  public Map<String, byte[]> entries() {
    synchronized (entries) {
      return Map.copyOf(entries);
    }
  }

  /** The committed entry as UTF-8 text; null when absent. */
  public String text(String name) {
    byte[] b = entries().get(name);
    return b == null ? null : new String(b, StandardCharsets.UTF_8);
  }
}
