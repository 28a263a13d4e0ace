package dev.supportpacket.agent.collect;

import dev.supportpacket.agent.options.UntrustedText;
import dev.supportpacket.agent.packet.Packet;
import dev.supportpacket.agent.packet.PrivateFiles;
import dev.supportpacket.agent.sanitize.Sanitizer;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;

/**
 * Where the packet's raw recordings are read back and rewritten: in the attach CLI when one waits for them, else in
 * the target. Reading a recording back (JFR's parser for the folded stacks and the events summary, the rewrite that
 * keeps only the listed event types and scrubs every string) is the heaviest work of a packet inside the target:
 * most of what it allocates, and on a JVM's first packet much of its class loading and compiling. The CLI is a
 * process with a heap of its own, idle while the recording runs.
 *
 * <p>The hand-over. The CLI made a directory for it (agent option {@code handoff}: its own directory, given to the
 * target's user, mode 0700). The agent dumps the raw recording into a new private directory there, with the
 * sanitizer's {@linkplain Sanitizer#exportState state} (its key and the literals learned: key material, so mode 0600
 * below a 0700 directory that only the target's user and root reach, the very users who could attach to the JVM and
 * read its memory anyway) and the recording's window; announces it on the status file; and waits. The CLI derives
 * the entries with the same code (the recording's {@link Derivation}) and the same sanitizer, writes each with its redaction
 * counts, and why it failed ({@value #FAILED}) if it did, then, last, {@value #DONE}. The agent adds them through
 * {@link Packet#addScrubbedOutside}, which checks them as it checks every entry, and deletes the directory.
 *
 * <p>When nobody answers within {@link #DEADLINE} (a CLI killed meanwhile), the recording is read here after all,
 * if the heap has the headroom; a trigger without a CLI (signal, JMX) reads it here, bounded by {@link Headroom}.
 */
public final class RecordingHandoff {
  public static final String RAW = "recording.jfr";
  /** The recording's first part, dumped while it still runs ({@link Work#preview}). */
  public static final String PREVIEW = "preview.jfr";
  /** The window of the preview: its start is the recording's. */
  public static final String PREVIEW_WINDOW = "preview.window";
  /**
   * The sanitizer's state when the preview was dumped: the CLI restores it meanwhile, and after the end uses it only
   * if the state then ({@value #STATE}) is the same, byte for byte; else it restores that one.
   */
  public static final String PREVIEW_STATE = "preview.state";
  public static final String STATE = "sanitizer.state";
  public static final String WINDOW = "window";
  public static final String DONE = "done";
  public static final String FAILED = "failed";
  public static final String COUNTS_SUFFIX = ".counts";
  /**
   * How long the agent waits for the CLI's entries: a CLI that is still there rewrites a 5-s recording in well under
   * a second (seconds when it is cold on a loaded machine); inside the collectors' own deadline of the profile plus a
   * minute, so that the fallback still has time.
   */
  static final Duration DEADLINE = Duration.ofSeconds(40);
  /**
   * How long before the window's end the preview is dumped: time enough for a warm CLI to read the first part on a
   * busy machine (90-150 ms for 4 s of a busy JVM, measured), short enough to leave little for after the stop.
   */
  public static final Duration PREVIEW_LEAD = Duration.ofSeconds(1);
  /** The CLI's answer is on every packet's clock; a look for a file is a few microseconds. */
  private static final long POLL_MILLIS = 5;
  private static final int MAX_SMALL_FILE = 64 * 1024;

  /** Reads every recording in the target. */
  public static final RecordingHandoff IN_PROCESS = new RecordingHandoff(null, null, null, DEADLINE);

  private final Path dir;
  private final Sanitizer sanitizer;
  private final Announce announce;
  private final Duration deadline;

  private RecordingHandoff(Path dir, Sanitizer sanitizer, Announce announce, Duration deadline) {
    this.dir = dir;
    this.sanitizer = sanitizer;
    this.announce = announce;
    this.deadline = deadline;
  }

  /**
   * Hands recordings over to the CLI that made {@code dir}.
   *
   * @param sanitizer the packet's: its state goes to the CLI, once it has learned the process's secrets
   * @param announce tells the CLI a recording waits for it (a status line)
   */
  public static RecordingHandoff to(Path dir, Sanitizer sanitizer, Announce announce) {
    return to(dir, sanitizer, announce, DEADLINE);
  }

  static RecordingHandoff to(Path dir, Sanitizer sanitizer, Announce announce, Duration deadline) {
    return new RecordingHandoff(dir, sanitizer, announce, deadline);
  }

  /** Tells the CLI what waits for it in directory {@code name} of its hand-over directory. */
  public interface Announce {
    /** The whole recording, with the sanitizer's state and the window. */
    void work(Derivation what, String name);

    /** The recording's first part ({@value #PREVIEW}), while it still runs. */
    void part(Derivation what, String name);
  }

  /** What the packet derives from one kind of raw recording, wherever it runs. */
  public interface Derivation {
    /** The kind's name, as the status line announces it. */
    String name();

    /** The entries {@link Reading#writeTo} writes, in order. */
    List<String> entries();

    /** A reading of a recording whose window starts at {@code startMillis}, fed its chunks in one or more parts. */
    Reading begin(long startMillis);

    /** Writes the entries into {@code packet}, reading the raw recording {@code raw} in one part. */
    default void derive(Packet packet, Path raw, Window window) throws IOException {
      Reading reading = begin(window.startMillis);
      reading.read(raw);
      reading.writeTo(packet, raw, window);
    }
  }

  /**
   * One recording read with JFR's parser, part by part: the first part can be read while the recording still runs
   * (the CLI does, from the {@linkplain Work#preview preview}), so that only the rest is left after its end. What is
   * read is kept raw: the entries are sanitized by {@link #writeTo}, with the sanitizer as it is at the end. Only the
   * recording's rewrite may begin ahead ({@link #rewriteAhead}), and it is used only with that very sanitizer.
   */
  public interface Reading {
    /** Reads {@code chunks}: whole chunks of the recording, those after the ones read before. */
    void read(Path chunks) throws IOException;

    /**
     * Rewrites {@code chunks}, the first part read, ahead of the end with {@code sanitizer}: {@link #writeTo} then
     * rewrites only the rest, if its packet scrubs with that very sanitizer (else the whole, as without this).
     */
    void rewriteAhead(Path chunks, Sanitizer sanitizer) throws IOException;

    /** Writes the entries into {@code packet}; {@code raw} is the whole recording, every part of it read. */
    void writeTo(Packet packet, Path raw, Window window) throws IOException;
  }

  /** Writes a recording that still runs into a file. */
  @FunctionalInterface
  public interface Dump {
    void into(Path file) throws IOException;
  }

  /** When a recording ran: events that started before it belong to someone else's recording. Immutable. */
  public static final class Window {
    public final long startMillis;
    public final long lengthMillis;

    public Window(long startMillis, long lengthMillis) {
      if (startMillis < 0 || lengthMillis < 0) {
        throw new IllegalArgumentException("a recording window of " + startMillis + " + " + lengthMillis + " ms");
      }
      this.startMillis = startMillis;
      this.lengthMillis = lengthMillis;
    }

    /** {@code start length}, as {@link #parse} reads it. */
    public String format() {
      return startMillis + " " + lengthMillis;
    }

    /** @throws IllegalArgumentException when {@code s} is not what {@link #format} writes */
    public static Window parse(String s) {
      String[] f = s.trim().split(" ");
      try {
        if (f.length == 2) {
          return new Window(Long.parseLong(f[0]), Long.parseLong(f[1]));
        }
      } catch (NumberFormatException e) {
        // told below
      }
      throw new IllegalArgumentException("not a recording window (" + s.length() + " characters)");
    }
  }

  /**
   * The work on one recording: where to dump it, then {@link Work#derive}. Closing it removes the raw recording and
   * whatever else the work left. Recording costs native memory only, reading it back costs heap: read here, {@code
   * step} needs headroom in the heap to begin; read by the CLI, it does not (the profile of a nearly full heap is
   * among what a packet is wanted for).
   *
   * @param scratch a new path in the packet's private scratch directory, for a recording read here
   * @throws Collector.Skipped when the recording is to be read here and the heap has no headroom for it
   */
  public Work begin(Derivation what, Supplier<Path> scratch, String step) throws IOException, Collector.Skipped {
    if (dir == null) {
      Headroom.require(step);
      return new Work(what, null, scratch.get(), step);
    }
    Path own = PrivateFiles.createDirectory(PrivateFiles.temporaryName(dir, "-" + what.name().toLowerCase()));
    return new Work(what, own, own.resolve(RAW), step);
  }

  /** The file an entry is handed back in: its path with {@code /} as {@code _}, so one flat directory holds all. */
  public static String fileName(String entry) {
    return entry.replace('/', '_');
  }

  /** One recording on its way into the packet. */
  public final class Work implements AutoCloseable {
    private final Derivation what;
    /** The hand-over directory of this recording; null when it is read here. */
    private final Path own;
    private final Path raw;
    private final String step;

    private Work(Derivation what, Path own, Path raw, String step) {
      this.what = what;
      this.own = own;
      this.raw = raw;
      this.step = step;
    }

    /** Where the recording is to be dumped; the file does not exist yet. */
    public Path raw() {
      return raw;
    }

    /**
     * Whether a {@link #preview} {@link #PREVIEW_LEAD} before the end of a window {@code window} long is of
     * use: only to a CLI, and only when the part left after it is shorter than the part before.
     */
    public boolean wantsPreview(Duration window) {
      return own != null && window.compareTo(PREVIEW_LEAD.multipliedBy(2)) >= 0;
    }

    /**
     * Hands the CLI the recording's first part while the recording still runs, for it to read meanwhile, and the
     * sanitizer's state as it is now, for it to restore meanwhile: after the end only the rest is left to read, and
     * no restore when the state has not changed since (it seldom does: the secrets are learned at the packet's
     * start). One more chunk rotation in the target, a safepoint of a few ms: JFR's
     * safepoints came to 9-16 ms per packet with it, 6-12 without (bench/packet-vs-jcmd.sh, JDK 17 and 25). Does
     * nothing when no CLI waits; when the dump fails the CLI reads the whole recording after the end, as it would
     * without one.
     *
     * @param dump writes the running recording
     * @param startMillis the recording's start
     */
    public void preview(Dump dump, long startMillis) {
      if (own == null) {
        return;
      }
      Path file = own.resolve(PREVIEW);
      try {
        dump.into(file);
        Files.write(PrivateFiles.createFile(own.resolve(PREVIEW_WINDOW)),
            new Window(startMillis, 0).format().getBytes(StandardCharsets.UTF_8), StandardOpenOption.WRITE);
        exportState(PREVIEW_STATE);
        announce.part(what, own.getFileName().toString());
      } catch (IOException | RuntimeException e) {
        PrivateFiles.deleteQuietly(file);
      }
    }

    /**
     * Adds the recording's entries to the packet: rewritten by the CLI when one takes it in time, else read here
     * once the step finds headroom in the heap.
     */
    public void derive(Packet packet, Window window) throws IOException, Collector.Skipped {
      if (own != null) {
        if (handedOver(packet, window)) {
          packet.note("raw recording read back and rewritten in the attach CLI, outside the target");
          return;
        }
        packet.note("the attach CLI did not take " + step + " within " + deadline.toSeconds() + " s; it was read in"
            + " the target");
      }
      Headroom.require(step);
      what.derive(packet, raw, window);
    }

    /** True when the CLI answered; its failure, if that was its answer, is thrown with its entries added first. */
    private boolean handedOver(Packet packet, Window window) throws IOException {
      // The state holds every secret learned so far: the packet's writes, the CLI's among them, wait for that.
      packet.awaitOpen();
      exportState(STATE);
      Files.write(PrivateFiles.createFile(own.resolve(WINDOW)), window.format().getBytes(StandardCharsets.UTF_8),
          StandardOpenOption.WRITE);
      announce.work(what, own.getFileName().toString());
      long end = System.nanoTime() + deadline.toNanos();
      while (!answered()) {
        if (System.nanoTime() > end) {
          return false;
        }
        try {
          Thread.sleep(POLL_MILLIS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted while the attach CLI rewrote the recording");
        }
      }
      // The key is of no more use to anyone; the CLI has read it.
      PrivateFiles.deleteQuietly(own.resolve(STATE));
      PrivateFiles.deleteQuietly(own.resolve(PREVIEW_STATE));
      for (String entry : what.entries()) {
        Path file = own.resolve(fileName(entry));
        if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
          packet.addScrubbedOutside(entry, file, counts(own.resolve(fileName(entry) + COUNTS_SUFFIX)),
              !entry.endsWith(".jfr"));
        }
      }
      Path failed = own.resolve(FAILED);
      if (Files.exists(failed, LinkOption.NOFOLLOW_LINKS)) {
        throw new IOException(UntrustedText.oneLine(new String(small(failed), StandardCharsets.UTF_8)));
      }
      return true;
    }

    /** Writes the sanitizer's state, its key among it: a private file in a private directory. */
    private void exportState(String name) throws IOException {
      try (OutputStream out = Files.newOutputStream(PrivateFiles.createFile(own.resolve(name)),
          StandardOpenOption.WRITE)) {
        sanitizer.exportState(out);
      }
    }

    /** The CLI writes {@value #DONE} last: everything else it wrote is whole by then. */
    private boolean answered() {
      return Files.exists(own.resolve(DONE), LinkOption.NOFOLLOW_LINKS);
    }

    @Override
    public void close() {
      if (own != null) {
        PrivateFiles.deleteTree(own);
      } else {
        PrivateFiles.deleteQuietly(raw);
      }
    }
  }

  /** The redaction counts the CLI wrote beside an entry: rule name to count; empty when none or unreadable. */
  private static Map<String, Integer> counts(Path file) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      return counts;
    }
    Properties p = new Properties();
    try {
      p.load(new java.io.StringReader(new String(small(file), StandardCharsets.UTF_8)));
    } catch (IOException | IllegalArgumentException e) {
      return counts;
    }
    for (String name : p.stringPropertyNames()) {
      try {
        counts.put(UntrustedText.oneLine(name), Math.max(0, Integer.parseInt(p.getProperty(name).trim())));
      } catch (NumberFormatException e) {
        // not a count: left out
      }
    }
    return counts;
  }

  private static byte[] small(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      return in.readNBytes(MAX_SMALL_FILE);
    }
  }
}
