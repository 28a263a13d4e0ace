package dev.supportpacket.agent.sanitize.jfr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.supportpacket.agent.sanitize.EntryScrubber;
import dev.supportpacket.agent.sanitize.Sanitizer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedObject;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hand-built chunk that uses the string encodings real dumps rarely show: a String pool reference, Latin-1 and
 * char arrays, in an event and in a constant, next to an event type that must disappear.
 */
class SyntheticChunkTest {
  private static final String SECRET = "PLANTED-Synth3tic";

  @TempDir Path dir;

  @Test
  void scrubsStringsInEveryEncodingAndDropsOtherEvents() throws IOException {
    Path raw = dir.resolve("synthetic.jfr");
    Files.write(raw, chunk());
    assertTrue(new String(Files.readAllBytes(raw), StandardCharsets.ISO_8859_1).contains(SECRET));

    Sanitizer sanitizer = Sanitizer.withRandomKey();
    sanitizer.learnLiteral(SECRET);
    EntryScrubber text = sanitizer.forEntry("synthetic.jfr");
    Path out = dir.resolve("out.jfr");
    try (OutputStream os = Files.newOutputStream(out)) {
      new JfrScrubber(Set.of("test.Event")).scrub(raw, os, text);
    }

    byte[] bytes = Files.readAllBytes(out);
    for (Charset cs : List.of(StandardCharsets.UTF_8, StandardCharsets.UTF_16BE, StandardCharsets.UTF_16LE)) {
      assertFalse(new String(bytes, StandardCharsets.ISO_8859_1).contains(new String(SECRET.getBytes(cs),
          StandardCharsets.ISO_8859_1)), "secret left in " + cs);
    }
    assertEquals(Map.of("learned", 3), text.redactions(), "message, pooled name and alias; not the dropped event");

    List<RecordedEvent> events = RecordingFile.readAllEvents(out);
    assertEquals(1, events.size());
    RecordedEvent e = events.get(0);
    assertEquals("test.Event", e.getEventType().getName());
    assertEquals("msg " + sanitizer.token(SECRET), e.getString("message"));
    RecordedObject thread = e.getValue("thread");
    assertEquals("name " + sanitizer.token(SECRET), thread.getString("name"));
    assertEquals("alias " + sanitizer.token(SECRET), thread.getString("alias"));
  }

  @Test
  void unknownStringEncodingFailsClosed() throws IOException {
    byte[] bad = chunk();
    // The event's message encoding follows its padded size (4 bytes), type id (1) and startTime 1234 (2).
    int at = ChunkHeader.SIZE + 4 + 1 + 2;
    assertEquals(JfrInput.STRING_CHARS, bad[at]);
    bad[at] = 9;
    Path raw = dir.resolve("bad.jfr");
    Files.write(raw, bad);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    IOException e = assertThrows(IOException.class,
        () -> new JfrScrubber(Set.of("test.Event")).scrub(raw, out, Sanitizer.withRandomKey().forEntry("x")));
    assertTrue(e.getMessage().contains("string encoding 9"), e.getMessage());
    assertEquals(0, out.size());
  }

  /** One chunk: a kept event, a dropped event, one checkpoint (Thread and String pools), metadata. */
  private static byte[] chunk() throws IOException {
    JfrOutput out = new JfrOutput(1024);
    out.writeBytes(new byte[ChunkHeader.SIZE], 0, ChunkHeader.SIZE);

    int event = out.size();
    out.writePaddedInt(0);
    out.writeLong(4); // test.Event
    out.writeLong(1234); // startTime
    String message = "msg " + SECRET;
    out.writeByte(JfrInput.STRING_CHARS);
    out.writeLong(message.length());
    message.chars().forEach(out::writeLong);
    out.writeLong(7); // thread: key into the test.Thread pool
    out.patchPaddedInt(event, out.size() - event);

    int other = out.size();
    out.writePaddedInt(0);
    out.writeLong(5); // test.Other, to be dropped
    out.writeString("other " + SECRET);
    out.patchPaddedInt(other, out.size() - other);

    int checkpoint = out.size();
    out.writePaddedInt(0);
    out.writeLong(1);
    out.writeLong(1234);
    out.writeLong(0);
    out.writeLong(0); // delta: first and only checkpoint
    out.writeByte(0);
    out.writeLong(2); // pools
    out.writeLong(3); // test.Thread
    out.writeLong(1);
    out.writeLong(7);
    out.writeByte(JfrInput.STRING_POOL);
    out.writeLong(9);
    latin1(out, "alias " + SECRET);
    out.writeLong(2); // java.lang.String
    out.writeLong(1);
    out.writeLong(9);
    latin1(out, "name " + SECRET);
    out.patchPaddedInt(checkpoint, out.size() - checkpoint);

    int metadata = out.size();
    writeMetadata(out);

    out.patchRawLong(0, 0);
    byte[] header = {'F', 'L', 'R', 0, 0, 2, 0, 1};
    JfrOutput h = new JfrOutput(ChunkHeader.SIZE);
    h.writeBytes(header, 0, header.length);
    h.writeRawLong(out.size());
    h.writeRawLong(checkpoint);
    h.writeRawLong(metadata);
    h.writeRawLong(1_700_000_000_000_000_000L); // start nanos
    h.writeRawLong(1_000_000); // duration
    h.writeRawLong(1000); // start ticks
    h.writeRawLong(1_000_000_000L); // ticks per second
    h.writeBytes(new byte[] {0, 0, 0, 1 | 2}, 0, 4); // finished; compressed ints, final chunk
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    out.writeTo(all);
    byte[] bytes = all.toByteArray();
    ByteArrayOutputStream hb = new ByteArrayOutputStream();
    h.writeTo(hb);
    System.arraycopy(hb.toByteArray(), 0, bytes, 0, ChunkHeader.SIZE);
    return bytes;
  }

  private static void writeMetadata(JfrOutput out) throws IOException {
    List<String> strings = new ArrayList<>();
    Map<String, Integer> index = new LinkedHashMap<>();
    Element root = new Element("root")
        .child(new Element("metadata")
            .child(type(1, "long", null))
            .child(type(2, "java.lang.String", null))
            .child(type(3, "test.Thread", null).child(field("name", 2, false)).child(field("alias", 2, false)))
            .child(type(4, "test.Event", "jdk.jfr.Event")
                .child(field("startTime", 1, false)).child(field("message", 2, false)).child(field("thread", 3, true)))
            .child(type(5, "test.Other", "jdk.jfr.Event").child(field("text", 2, false))))
        .child(new Element("region").attr("gmtOffset", "0").attr("locale", "en_US"));
    root.collect(strings, index);
    int start = out.size();
    out.writePaddedInt(0);
    out.writeLong(0);
    out.writeLong(1234);
    out.writeLong(0);
    out.writeLong(1); // metadata id
    out.writeLong(strings.size());
    for (String s : strings) {
      out.writeString(s);
    }
    root.write(out, index);
    out.patchPaddedInt(start, out.size() - start);
  }

  private static Element type(long id, String name, String superType) {
    Element e = new Element("class").attr("id", Long.toString(id)).attr("name", name);
    return superType == null ? e : e.attr("superType", superType);
  }

  private static Element field(String name, long type, boolean constantPool) {
    Element e = new Element("field").attr("name", name).attr("class", Long.toString(type));
    return constantPool ? e.attr("constantPool", "true") : e;
  }

  private static void latin1(JfrOutput out, String s) {
    byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
    out.writeByte(JfrInput.STRING_LATIN1);
    out.writeLong(b.length);
    out.writeBytes(b, 0, b.length);
  }

  private static final class Element {
    final String name;
    final List<String[]> attributes = new ArrayList<>();
    final List<Element> children = new ArrayList<>();

    Element(String name) {
      this.name = name;
    }

    Element attr(String k, String v) {
      attributes.add(new String[] {k, v});
      return this;
    }

    Element child(Element c) {
      children.add(c);
      return this;
    }

    void collect(List<String> strings, Map<String, Integer> index) {
      add(name, strings, index);
      for (String[] a : attributes) {
        add(a[0], strings, index);
        add(a[1], strings, index);
      }
      children.forEach(c -> c.collect(strings, index));
    }

    void write(JfrOutput out, Map<String, Integer> index) {
      out.writeLong(index.get(name));
      out.writeLong(attributes.size());
      for (String[] a : attributes) {
        out.writeLong(index.get(a[0]));
        out.writeLong(index.get(a[1]));
      }
      out.writeLong(children.size());
      children.forEach(c -> c.write(out, index));
    }

    private static void add(String s, List<String> strings, Map<String, Integer> index) {
      if (!index.containsKey(s)) {
        index.put(s, strings.size());
        strings.add(s);
      }
    }
  }
}
