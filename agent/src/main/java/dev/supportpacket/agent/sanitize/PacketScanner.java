package dev.supportpacket.agent.sanitize;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import jdk.jfr.ValueDescriptor;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedObject;
import jdk.jfr.consumer.RecordingFile;

/**
 * Reads a packet zip and lists anything that still looks secret, so that a user can check a packet before sending
 * it. Uses the built-in pattern rules in detection mode; values already replaced by {@code [REDACTED:…]} do not
 * count. It cannot know the secrets learned while the packet was written: those are checked when it is written.
 * Findings never hold the value, only a masked hint.
 */
public final class PacketScanner {
  /** Strings inside a JFR recording are nested this deep at most (event, thread, stack frame, method, class). */
  private static final int MAX_DEPTH = 6;
  /** A run of printable bytes at least this long is read as text in a binary entry. */
  private static final int MIN_RUN = 8;

  private final TextRules rules = Sanitizer.withRandomKey().rules();

  /** One thing that looks secret: where it is and which rule saw it. */
  public static final class Finding {
    public final String entry;
    /** The line in a text entry, the event number in a recording, the byte offset in other binary content. */
    public final String where;
    public final String rule;
    public final String masked;

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
   * Scans every entry of the zip.
   *
   * @throws IOException when the file cannot be read or is not a zip
   */
  public List<Finding> scan(Path packet) throws IOException {
    List<Finding> out = new ArrayList<>();
    try (ZipFile zip = new ZipFile(packet.toFile())) {
      Enumeration<? extends ZipEntry> entries = zip.entries();
      while (entries.hasMoreElements()) {
        ZipEntry e = entries.nextElement();
        if (e.isDirectory()) {
          continue;
        }
        if (e.getName().endsWith(".jfr")) {
          scanRecording(zip, e, out);
        }
        byte[] head = new byte[8192];
        int n;
        try (InputStream in = zip.getInputStream(e)) {
          n = in.readNBytes(head, 0, head.length);
        }
        if (isText(head, n)) {
          scanText(zip, e, out);
        } else {
          scanBinary(zip, e, out);
        }
      }
    }
    return out;
  }

  private static boolean isText(byte[] b, int n) {
    for (int i = 0; i < n; i++) {
      if (b[i] == 0) {
        return false;
      }
    }
    return true;
  }

  private void scanText(ZipFile zip, ZipEntry e, List<Finding> out) throws IOException {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(zip.getInputStream(e), StandardCharsets.UTF_8))) {
      String line;
      long no = 0;
      while ((line = r.readLine()) != null) {
        no++;
        check(e.getName(), "line " + no, line, out);
      }
    }
  }

  /** Printable runs of the raw bytes, as {@code strings} would show them. */
  private void scanBinary(ZipFile zip, ZipEntry e, List<Finding> out) throws IOException {
    try (InputStream in = zip.getInputStream(e)) {
      StringBuilder run = new StringBuilder();
      long offset = 0;
      long runStart = 0;
      byte[] buf = new byte[64 * 1024];
      int n;
      while ((n = in.read(buf)) > 0) {
        for (int i = 0; i < n; i++, offset++) {
          int c = buf[i] & 0xff;
          if (c >= 0x20 && c < 0x7f || c == '\t') {
            if (run.length() == 0) {
              runStart = offset;
            }
            run.append((char) c);
          } else {
            if (run.length() >= MIN_RUN) {
              check(e.getName(), "byte " + runStart, run.toString(), out);
            }
            run.setLength(0);
          }
        }
      }
      if (run.length() >= MIN_RUN) {
        check(e.getName(), "byte " + runStart, run.toString(), out);
      }
    }
  }

  /** Every string of every event, including those reached through threads, stack frames and classes. */
  private void scanRecording(ZipFile zip, ZipEntry e, List<Finding> out) throws IOException {
    Path tmp = Files.createTempFile("scan-", ".jfr");
    try {
      try (InputStream in = zip.getInputStream(e)) {
        Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
      }
      try (RecordingFile rf = new RecordingFile(tmp)) {
        long no = 0;
        Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        while (rf.hasMoreEvents()) {
          RecordedEvent ev = rf.readEvent();
          no++;
          walk(e.getName(), "event " + no + " (" + ev.getEventType().getName() + ")", ev, 0, seen, out);
        }
      } catch (IOException | RuntimeException bad) {
        out.add(new Finding(e.getName(), "recording", "unreadable-recording",
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
    rules.scan(text, (rule, start, end, secret) -> out.add(new Finding(entry, where, rule.name, mask(secret))));
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
