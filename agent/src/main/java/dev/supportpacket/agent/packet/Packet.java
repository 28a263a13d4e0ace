package dev.supportpacket.agent.packet;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.supportpacket.agent.sanitize.BinaryScrubber;
import dev.supportpacket.agent.sanitize.EntryScrubber;
import dev.supportpacket.agent.sanitize.Sanitizer;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.zip.GZIPInputStream;

/**
 * Where collectors put what they gathered. Text only enters through the sanitizer's streaming filter, YAML trees
 * are redacted by key first, and binary content only through a format-aware {@link BinaryScrubber}. The one method
 * that writes raw bytes says so in its name ({@link #addUnsanitizedBinary}) and marks the entry.
 * Thread-safe; each collector works on its own {@link #ownedBy view}.
 *
 * <p>Fail closed: before an entry is committed its bytes are read once more for every secret learned so far (some
 * are learned while collectors run, after other entries went through the filter). A text entry that still holds
 * one is scrubbed again, counted as {@value #FINAL_CHECK}; a binary entry is dropped.
 *
 * <p>A packet {@linkplain #heldUntilOpened held until opened} lets collectors start before the secrets of the process
 * and its config are learned (the CPU profile should not wait for that): their writes wait for {@link #open}.
 */
public final class Packet {
  private static final ObjectMapper YAML =
      new ObjectMapper(
          new YAMLFactory()
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET));
  /** Indented: the line filter then sees one value per line, as it sees one setting per line in YAML. */
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
          .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);

  /** Count name of the redactions made by the second scrub of a text entry. */
  public static final String FINAL_CHECK = "final-check";

  /** Room kept under the budget for the entries written after the collectors (report, warnings, README). */
  public static final long CLOSING_RESERVE = 256 * 1024;

  /** The owner of the entries the packet service writes itself; they are not held to the budget. */
  private static final String SERVICE = "packet";

  private final Sanitizer sanitizer;
  private final EntrySink sink;
  private final String owner;
  private final List<EntryRecord> records;
  private final Budget budget;
  private final List<String> notes;
  /** Counted down by {@link #open}; every write waits for it. */
  private final CountDownLatch writable;

  public Packet(Sanitizer sanitizer, EntrySink sink) {
    this(sanitizer, sink, Long.MAX_VALUE);
  }

  /**
   * @param maxBytes the budget for the whole packet (entries as stored, before the zip's own compression): a
   *     collector's entry that would take the packet past {@code maxBytes - CLOSING_RESERVE} is refused with
   *     {@link OverBudget}; {@code Long.MAX_VALUE} for none
   */
  public Packet(Sanitizer sanitizer, EntrySink sink, long maxBytes) {
    this(sanitizer, sink, SERVICE, new ArrayList<>(), new Budget(maxBytes), new ArrayList<>(), new CountDownLatch(0));
  }

  private Packet(Sanitizer sanitizer, EntrySink sink, String owner, List<EntryRecord> records, Budget budget,
      List<String> notes, CountDownLatch writable) {
    this.sanitizer = sanitizer;
    this.sink = sink;
    this.owner = owner;
    this.records = records;
    this.budget = budget;
    this.notes = notes;
    this.writable = writable;
  }

  /** A packet whose writes wait until {@link #open} is called, once the sanitizer has learned what it must. */
  public static Packet heldUntilOpened(Sanitizer sanitizer, EntrySink sink, long maxBytes) {
    return new Packet(sanitizer, sink, SERVICE, new ArrayList<>(), new Budget(maxBytes), new ArrayList<>(),
        new CountDownLatch(1));
  }

  /** Lets the writes of a packet {@linkplain #heldUntilOpened held until opened} go ahead. */
  public void open() {
    writable.countDown();
  }

  /** The same packet, with entries accounted to one collector in the report. */
  public Packet ownedBy(String collectorId) {
    return new Packet(sanitizer, sink, collectorId, records, budget, notes, writable);
  }

  /**
   * A line for report.txt under "notes", prefixed with the owner, e.g. the pause a heap dump caused. Our own
   * words only: it does not pass the sanitizer, so it must never carry collected content.
   */
  public void note(String line) {
    synchronized (notes) {
      notes.add(owner + ": " + line.replace('\n', ' '));
    }
  }

  /** Every note so far, in order. */
  public List<String> notes() {
    synchronized (notes) {
      return List.copyOf(notes);
    }
  }

  /** Writes a text entry; every line passes the sanitizer on its way in. */
  public void addText(String name, TextContent content) throws IOException {
    writeText(name, scrubberFor(name), content, null);
  }

  /**
   * Like {@link #addText}, and {@code sanitizedCopy} receives the text as it goes into the entry, after the filter:
   * for a summary that must be made of sanitized text only. It is flushed, not closed.
   */
  public void addText(String name, TextContent content, Writer sanitizedCopy) throws IOException {
    writeText(name, scrubberFor(name), content, sanitizedCopy);
  }

  /**
   * Writes a text entry that consists of keys and values (a configuration file): {@code content} sees the key of
   * each value and replaces those under secret-looking keys whole, whatever their length or shape; then every line
   * passes the same filter as {@link #addText}.
   */
  public void addKeyedText(String name, KeyedTextContent content) throws IOException {
    EntryScrubber scrubber = scrubberFor(name);
    KeyRedactor redactor = new KeyRedactor() {
      @Override
      public boolean isSecretKey(String key) {
        return sanitizer.isSecretKey(key);
      }

      @Override
      public String value(String key, String value) {
        return scrubber.value(key, value);
      }
    };
    writeText(name, scrubber, w -> content.writeTo(w, redactor));
  }

  /**
   * Writes a YAML entry from a tree of maps, lists and scalars. Values under secret-looking keys are replaced
   * before serialization, then the text passes the same filter as any other text.
   */
  public void addYaml(String name, Map<String, ?> tree) throws IOException {
    EntryScrubber scrubber = scrubberFor(name);
    Object redacted = scrubber.tree(tree);
    writeText(name, scrubber, w -> YAML.writeValue(w, redacted));
  }

  /**
   * Writes a JSON entry from a tree of maps, lists and scalars, redacted as {@link #addYaml} redacts: by key, then
   * every string as text, then every line through the filter.
   */
  public void addJson(String name, Map<String, ?> tree) throws IOException {
    EntryScrubber scrubber = scrubberFor(name);
    Object redacted = scrubber.tree(tree);
    writeText(name, scrubber, w -> {
      JSON.writeValue(w, redacted);
      w.write('\n');
    });
  }

  /** The one path of every text entry: through the scrubber's line filter, then the final check, then commit. */
  private void writeText(String name, EntryScrubber scrubber, TextContent content) throws IOException {
    writeText(name, scrubber, content, null);
  }

  private void writeText(String name, EntryScrubber scrubber, TextContent content, Writer sanitizedCopy)
      throws IOException {
    try (EntrySink.EntryOutput out = sink.begin(name)) {
      Writer entry = new BufferedWriter(new OutputStreamWriter(out.stream(), StandardCharsets.UTF_8));
      try (Writer w = scrubber.filter(sanitizedCopy == null ? entry : new TeeWriter(entry, sanitizedCopy))) {
        content.writeTo(w);
      }
      commitText(name, out, scrubber);
    }
  }

  /**
   * Writes a binary entry rebuilt by a format-aware scrubber; if it fails, nothing of the source is written. An
   * entry named {@code *.gz} is checked for learned secrets through gzip: on the compressed bytes the final check
   * would see nothing.
   */
  public void addBinary(String name, BinaryScrubber scrubber, Path source) throws IOException {
    EntryScrubber text = scrubberFor(name);
    try (EntrySink.EntryOutput out = sink.begin(name)) {
      scrubber.scrub(source, out.stream(), text);
      if (holdsLearnedSecret(out, name.endsWith(".gz"))) {
        // We cannot rewrite a binary format safely here; leaving it out is the only safe choice.
        throw new IOException(
            "entry " + name + " still held a learned secret after its format-aware scrub; it was left out");
      }
      commit(name, out, text, false);
    }
  }

  /**
   * Writes an entry that the attach CLI derived from a raw recording and scrubbed already, with this packet's
   * sanitizer (its key and learned secrets handed over; see {@code RecordingHandoff}). Checked here as every entry
   * is: a text entry passes the line filter once more, and either kind the final check for learned secrets.
   *
   * @param counts the redactions the CLI made, by rule, for the report
   * @param text whether the entry is UTF-8 text (else it is copied as it is)
   */
  public void addScrubbedOutside(String name, Path file, Map<String, Integer> counts, boolean text)
      throws IOException {
    if (text) {
      EntryScrubber scrubber = scrubberFor(name);
      scrubber.addCounts(counts);
      writeText(name, scrubber, w -> {
        try (Reader r = new InputStreamReader(Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS),
            StandardCharsets.UTF_8)) {
          r.transferTo(w);
        }
      });
      return;
    }
    addBinary(name, (source, out, scrubber) -> {
      scrubber.addCounts(counts);
      try (InputStream in = Files.newInputStream(source, LinkOption.NOFOLLOW_LINKS)) {
        in.transferTo(out);
      }
    }, file);
  }

  /**
   * UNSAFE: writes bytes that no scrubber has seen, for a user who asked for them by an option that says so. The
   * entry is marked unsanitized, and report.txt, warning.txt, README.html and metadata.yaml say so.
   */
  public void addUnsanitizedBinary(String name, BinaryContent content) throws IOException {
    EntryScrubber none = scrubberFor(name);
    try (EntrySink.EntryOutput out = sink.begin(name)) {
      content.writeTo(out.stream());
      out.stream().flush();
      commit(name, out, none, true);
    }
  }

  /** The entry's scrubber, once the packet is open: no entry is written before the secrets are learned. */
  private EntryScrubber scrubberFor(String name) throws IOException {
    awaitOpen();
    return sanitizer.forEntry(name);
  }

  /** Returns once the packet is {@linkplain #open open}: the sanitizer has learned the process's secrets. */
  public void awaitOpen() throws InterruptedIOException {
    try {
      writable.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for the sanitizer to learn the secrets");
    }
  }

  private static Writer textWriter(EntryScrubber scrubber, EntrySink.EntryOutput out) {
    return scrubber.filter(new BufferedWriter(new OutputStreamWriter(out.stream(), StandardCharsets.UTF_8)));
  }

  private boolean holdsLearnedSecret(EntrySink.EntryOutput out) throws IOException {
    return holdsLearnedSecret(out, false);
  }

  private boolean holdsLearnedSecret(EntrySink.EntryOutput out, boolean gzip) throws IOException {
    try (InputStream in = gzip ? new GZIPInputStream(out.written(), 1 << 16) : out.written()) {
      return sanitizer.holdsLearnedSecret(in);
    }
  }

  /**
   * Commits a text entry after the final check; when the check finds a learned secret, the written text goes
   * through a fresh scrubber (which knows every secret learned by now) into a second entry that replaces the first.
   */
  private void commitText(String name, EntrySink.EntryOutput out, EntryScrubber scrubber) throws IOException {
    if (!holdsLearnedSecret(out)) {
      commit(name, out, scrubber, false);
      return;
    }
    EntryScrubber again = sanitizer.forEntry(name);
    try (EntrySink.EntryOutput second = sink.begin(name)) {
      try (Reader r = new InputStreamReader(out.written(), StandardCharsets.UTF_8);
          Writer w = textWriter(again, second)) {
        r.transferTo(w);
      }
      if (holdsLearnedSecret(second)) {
        // A learned secret the line filter cannot see (one spanning a line break): leave the entry out.
        throw new IOException("entry " + name + " still held a learned secret after a second scrub; it was left out");
      }
      int n = 0;
      for (int c : again.redactions().values()) {
        n += c;
      }
      scrubber.addCounts(Map.of(FINAL_CHECK, Math.max(n, 1)));
      commit(name, second, scrubber, false);
    }
  }

  /**
   * The committed, sanitized bytes of an entry the sink keeps readable (see {@link EntrySink#committed}); empty
   * when it does not. For the analysis at the end of the packet, which reads only what already passed the sanitizer.
   */
  public java.util.Optional<InputStream> committed(String name) throws IOException {
    return sink.committed(name);
  }

  /** Every entry written so far, in order. */
  public List<EntryRecord> entries() {
    synchronized (records) {
      return List.copyOf(records);
    }
  }

  /** Bytes committed so far. */
  public long committedBytes() {
    synchronized (budget) {
      return budget.committed;
    }
  }

  /**
   * Commits within the budget. The size is known only once written; a collector's entry that does not fit is
   * refused here, before it reaches the archive. The packet service's own entries always fit: they come out of
   * {@link #CLOSING_RESERVE}, and without them a packet cannot be read.
   */
  private void commit(String name, EntrySink.EntryOutput out, EntryScrubber scrubber, boolean unsanitized)
      throws IOException {
    long size = out.size();
    synchronized (budget) {
      if (!owner.equals(SERVICE) && budget.committed + size > budget.max - CLOSING_RESERVE) {
        throw new OverBudget("entry " + name + " (" + mb(size) + ") would take the packet past --max-size "
            + mb(budget.max) + " (" + mb(budget.committed) + " already in it); left out");
      }
      budget.committed += size;
    }
    long bytes = out.commit();
    synchronized (records) {
      records.add(new EntryRecord(name, owner, bytes, scrubber.redactions(), unsanitized));
    }
  }

  private static String mb(long bytes) {
    return String.format(java.util.Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024.0));
  }

  /** Bytes under budget, shared by every view of one packet. */
  private static final class Budget {
    final long max;
    long committed;

    Budget(long max) {
      this.max = max;
    }
  }

  /** An entry refused because the packet would exceed its size budget; the collector is reported as skipped. */
  public static final class OverBudget extends IOException {
    private static final long serialVersionUID = 1L;

    OverBudget(String message) {
      super(message);
    }
  }

  /** Raw bytes, for {@link #addUnsanitizedBinary} only. */
  @FunctionalInterface
  public interface BinaryContent {
    void writeTo(OutputStream out) throws IOException;
  }

  /** Content of keys and values written through a sanitizing writer, with the means to redact by key first. */
  @FunctionalInterface
  public interface KeyedTextContent {
    void writeTo(Writer out, KeyRedactor redactor) throws IOException;
  }

  /** The sanitizer's decision by key, for one entry: a secret value becomes its token and is counted. */
  public interface KeyRedactor {
    boolean isSecretKey(String key);

    /** The value as it may enter the packet: its token when the key is secret, otherwise scrubbed as text. */
    String value(String key, String value);
  }

  /** Content written through a sanitizing writer. */
  @FunctionalInterface
  public interface TextContent {
    void writeTo(Writer out) throws IOException;
  }
}
