package dev.supportpacket.cli;

import dev.supportpacket.agent.sanitize.Sanitizer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.GZIPInputStream;
import jdk.jfr.ValueDescriptor;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedObject;
import jdk.jfr.consumer.RecordingFile;

/**
 * Reads a packet zip and lists anything that still looks secret, so that a user can check a packet before sending
 * it ({@code attach.jar scan}; it runs only in the CLI, so it is not part of the agent jar). Reads through gzip, JFR
 * recordings and HPROF heap dumps. Uses the sanitizer's built-in pattern rules in detection mode; values already
 * replaced by {@code [REDACTED:…]} do not count. It cannot know the secrets learned while the packet was written:
 * those are checked when it is written. Findings never hold the value, only a masked hint.
 */
final class PacketScanner {
  /** Strings inside a JFR recording are nested this deep at most (event, thread, stack frame, method, class). */
  private static final int MAX_DEPTH = 6;
  /** A run of printable bytes at least this long is read as text in a binary entry. */
  private static final int MIN_RUN = 8;
  /** A longer run is checked in pieces of this size, to bound the memory one entry takes. */
  private static final int MAX_RUN = 1 << 20;
  /** Rule name of a finding that says what could not be read. */
  static final String UNREADABLE = "unreadable";
  /** Part of the name of an entry the user asked to store unsanitized (a raw heap dump). */
  private static final String UNSANITIZED = "UNSANITIZED";
  private static final byte[] JFR_MAGIC = {'F', 'L', 'R', 0};
  private static final byte[] HPROF_MAGIC = "JAVA PROFILE 1.0.".getBytes(StandardCharsets.US_ASCII);

  private final Sanitizer sanitizer = Sanitizer.withRandomKey();

  /** One thing that looks secret: where it is and which rule saw it. */
  static final class Finding {
    final String entry;
    /** The line in a text entry, the event number in a recording, the byte offset in other binary content. */
    final String where;
    final String rule;
    final String masked;

    Finding(String entry, String where, String rule, String masked) {
      this.entry = entry;
      this.where = where;
      this.rule = rule;
      this.masked = masked;
    }

    @Override
    public String toString() {
      return entry + " " + where + ": " + rule + " " + masked;
    }
  }

  /**
   * Scans every entry of the zip, through gzip, as a JFR recording, an HPROF heap dump, text or raw bytes. What it
   * could not read of an entry is itself a finding (rule {@code unreadable}), and so is an entry stored unsanitized
   * on request: a clean result means every byte was read and nothing was found.
   *
   * @throws IOException when the file cannot be read or is not a zip; the message says which
   */
  List<Finding> scan(Path packet) throws IOException {
    List<Finding> out = new ArrayList<>();
    try (PacketZip zip = PacketZip.open(packet)) {
      for (ZipEntry e : zip.entries()) {
        if (e.getName().contains(UNSANITIZED)) {
          out.add(new Finding(e.getName(), "entry", "unsanitized-entry",
              "stored without sanitizing on request: it holds every secret the process held; remove it before sending"));
        }
        try {
          scanEntry(zip, e, out);
        } catch (IOException | RuntimeException bad) {
          out.add(new Finding(e.getName(), "entry", UNREADABLE,
              "could not be read to its end (" + bad.getClass().getSimpleName() + ": " + bad.getMessage()
                  + "); what follows that point was not checked"));
        }
      }
    }
    return out;
  }

  private void scanEntry(PacketZip zip, ZipEntry e, List<Finding> out) throws IOException {
    byte[] head;
    try (InputStream in = zip.read(e)) {
      head = in.readNBytes(8192);
    }
    boolean gzip = head.length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b;
    Content content = gzip ? () -> new GZIPInputStream(zip.read(e), 64 * 1024) : () -> zip.read(e);
    if (gzip) {
      try (InputStream in = content.open()) {
        head = in.readNBytes(8192);
      }
    }
    String name = e.getName();
    if (startsWith(head, JFR_MAGIC)) {
      scanRecording(name, content, out);
      scanBinary(name, content, out);
    } else if (startsWith(head, HPROF_MAGIC)) {
      // Strings of a heap dump live in UTF8 records and in byte[] (Latin-1) and char[] (UTF-16) arrays: their
      // printable runs in both encodings are exactly what a reader of the dump would see.
      scanBinary(name, content, out);
    } else if (name.endsWith(".jfr") || name.contains(".hprof")) {
      out.add(new Finding(name, "entry", UNREADABLE, "named as a recording or heap dump but it is neither; only its"
          + " raw bytes were checked"));
      scanBinary(name, content, out);
    } else if (isText(head)) {
      scanText(name, content, out);
    } else {
      scanBinary(name, content, out);
    }
  }

  /** Opens an entry's content afresh, decompressed when it is gzip. */
  private interface Content {
    InputStream open() throws IOException;
  }

  private static boolean startsWith(byte[] b, byte[] prefix) {
    return b.length >= prefix.length && Arrays.equals(b, 0, prefix.length, prefix, 0, prefix.length);
  }

  private static boolean isText(byte[] b) {
    for (byte x : b) {
      if (x == 0) {
        return false;
      }
    }
    return true;
  }

  private void scanText(String name, Content content, List<Finding> out) throws IOException {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(content.open(), StandardCharsets.UTF_8))) {
      String line;
      long no = 0;
      while ((line = r.readLine()) != null) {
        no++;
        check(name, "line " + no, line, out);
      }
    }
  }

  /**
   * Printable runs of the raw bytes, as {@code strings} would show them, read both as single bytes (ASCII, Latin-1,
   * UTF-8) and as big-endian UTF-16 (Java char[] in a heap dump, JFR's UTF-16 strings).
   */
  private void scanBinary(String name, Content content, List<Finding> out) throws IOException {
    Runs ascii = new Runs(name, 1);
    Runs utf16 = new Runs(name, 2);
    try (InputStream in = content.open()) {
      long offset = 0;
      byte[] buf = new byte[64 * 1024];
      int n;
      int previous = -1;
      while ((n = in.read(buf)) > 0) {
        for (int i = 0; i < n; i++, offset++) {
          int c = buf[i] & 0xff;
          boolean printable = c >= 0x20 && c < 0x7f || c == '\t';
          if (printable) {
            ascii.add(c, offset, out);
          } else {
            ascii.end(out);
          }
          // A UTF-16 char of the ASCII range is a zero byte then a printable one; any other pair ends the run.
          if (printable && previous == 0) {
            utf16.add(c, offset - 1, out);
          } else if (c != 0 || previous == 0) {
            utf16.end(out);
          }
          previous = c;
        }
      }
      ascii.end(out);
      utf16.end(out);
    }
  }

  /** One run of printable chars being collected; checked when it ends or grows past {@link #MAX_RUN}. */
  private final class Runs {
    private final String entry;
    private final int width;
    private final StringBuilder run = new StringBuilder();
    private long start;

    Runs(String entry, int width) {
      this.entry = entry;
      this.width = width;
    }

    void add(int c, long offset, List<Finding> out) {
      if (run.length() == 0) {
        start = offset;
      }
      run.append((char) c);
      if (run.length() >= MAX_RUN) {
        end(out);
      }
    }

    void end(List<Finding> out) {
      if (run.length() >= MIN_RUN) {
        check(entry, (width == 1 ? "byte " : "utf-16 at byte ") + start, run.toString(), out);
      }
      run.setLength(0);
    }
  }

  /** Every string of every event, including those reached through threads, stack frames and classes. */
  private void scanRecording(String name, Content content, List<Finding> out) throws IOException {
    Path tmp = Files.createTempFile("scan-", ".jfr");
    try {
      try (InputStream in = content.open()) {
        Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
      }
      try (RecordingFile rf = new RecordingFile(tmp)) {
        long no = 0;
        Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        while (rf.hasMoreEvents()) {
          RecordedEvent ev = rf.readEvent();
          no++;
          walk(name, "event " + no + " (" + ev.getEventType().getName() + ")", ev, 0, seen, out);
        }
      } catch (IOException | RuntimeException bad) {
        out.add(new Finding(name, "recording", UNREADABLE,
            "cannot be read as JFR (" + bad.getClass().getSimpleName() + "); only its raw bytes were checked"));
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private void walk(String entry, String where, RecordedObject o, int depth, Set<Object> seen, List<Finding> out) {
    if (depth > MAX_DEPTH || !seen.add(o)) {
      return;
    }
    for (ValueDescriptor f : o.getFields()) {
      Object v;
      try {
        v = o.getValue(f.getName());
      } catch (RuntimeException ignored) {
        continue;
      }
      if (v instanceof String) {
        check(entry, where + " " + f.getName(), (String) v, out);
      } else if (v instanceof RecordedObject) {
        walk(entry, where, (RecordedObject) v, depth + 1, seen, out);
      } else if (v instanceof List) {
        for (Object item : (List<?>) v) {
          if (item instanceof RecordedObject) {
            walk(entry, where, (RecordedObject) item, depth + 1, seen, out);
          }
        }
      }
    }
  }

  private void check(String entry, String where, String text, List<Finding> out) {
    sanitizer.detect(text, (rule, secret) -> out.add(new Finding(entry, where, rule, mask(secret))));
    // One line of a PEM block: the streaming filter replaces the body that follows such a header.
    int begin = text.indexOf("-----BEGIN ");
    if (begin >= 0 && text.indexOf("PRIVATE KEY-----", begin) > 0 && !text.contains("[REDACTED")
        && text.indexOf("-----END ", begin) < 0) {
      out.add(new Finding(entry, where, "pem-block", "a private key block starts here"));
    }
  }

  /** A hint that identifies a value to whoever knows it, and reveals nothing to anyone else. */
  static String mask(String secret) {
    int shown = secret.length() >= 20 ? 4 : secret.length() >= 12 ? 2 : 0;
    return secret.substring(0, shown) + "****" + " (" + secret.length() + " chars)";
  }
}
