package dev.supportpacket.cli;

import dev.supportpacket.agent.collect.RecordingHandoff;
import dev.supportpacket.agent.collect.profile.RecordingEntries;
import dev.supportpacket.agent.packet.EntryRecord;
import dev.supportpacket.agent.packet.MemorySink;
import dev.supportpacket.agent.packet.Packet;
import dev.supportpacket.agent.sanitize.Sanitizer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reads back, in this process, the raw recordings the agent hands over ({@link RecordingHandoff}): the folded stacks,
 * the events summary and the rewritten recordings are derived here by the agent's own code, through the agent's
 * sanitizer restored from the state it exported, and written back for the agent to add to the packet. The target is
 * spared the heaviest part of a packet (its heap, its CPU, and on a JVM's first packet the loading and compiling of
 * JFR's parser); this process is idle while the recording runs. It reads the recording's first part then, when the
 * agent hands one over ({@code part}): after the end, only what the recording holds beyond that part is left to read
 * with JFR's parser, if the whole begins with it byte for byte (else the whole is read). It restores meanwhile the
 * sanitizer from the state handed over with the part and rewrites the part with it; both are used at the end only
 * if the state then is the same, byte for byte (else it restores that one and rewrites the whole: a secret learned
 * since is scrubbed too).
 *
 * <p>What the target names is not trusted: a kind must be one of {@link RecordingEntries}, a directory a plain name
 * inside our hand-over directory; its files are read without following links (a raw recording is copied into a
 * private file of ours first), and ours are created exclusively there through {@link TargetFiles}.
 */
final class RecordingWorker implements AutoCloseable {
  private static final int WARM_UP_ROUNDS = 3;
  private final AtomicBoolean warming = new AtomicBoolean();
  /** Set when the target hands over its first recording: no warm-up round starts after that. */
  private final AtomicBoolean arrived = new AtomicBoolean();
  /** Warm-up rounds finished, both kinds counted. */
  private final AtomicInteger warmUpRounds = new AtomicInteger();
  /** The first part of each kind's recording, read (or being read) while the target records. */
  private final Map<RecordingEntries, Future<Part>> parts = new ConcurrentHashMap<>();
  /** Kinds whose first part was handed over: their rests are one dump's, read once for both ({@link SharedRest}). */
  private final Set<RecordingEntries> withParts = ConcurrentHashMap.newKeySet();
  private final SharedRest rests = new SharedRest(SharedRest.WAIT, SharedRest.WAIT_ANNOUNCED);
  /** First parts read so far, whether used or not. */
  private final AtomicInteger partsRead = new AtomicInteger();
  /** Recordings whose first part was read before they ended, and counted. */
  private final AtomicInteger partsUsed = new AtomicInteger();
  /** Recordings scrubbed with the sanitizer restored from the state handed over with their first part. */
  private final AtomicInteger earlySanitizers = new AtomicInteger();
  private final TargetFiles files;
  private final Path dir;
  private final Path rules;
  private final Path siteKey;
  /** Two threads: the target's two recordings end together, and it waits for both. */
  private final ExecutorService thread = pool("support-packet-recordings");
  /**
   * The warm-up's own two: a recording that arrives while it still runs (a 1-s profile, a loaded machine) must not
   * wait behind it. Queued behind three rounds on a test machine starting many JVMs (load 20), the target's
   * recordings waited past the agent's minute and the profile was lost.
   */
  private final ExecutorService warmUps = pool("support-packet-warm-up");

  /**
   * @param dir the hand-over directory, as this process reaches it
   * @param rules the rules file the agent was given (null: built-in rules), as this process reaches it
   * @param siteKey the site key file the agent was given (null: none)
   */
  RecordingWorker(TargetFiles files, Path dir, Path rules, Path siteKey) {
    this.files = files;
    this.dir = dir;
    this.rules = rules;
    this.siteKey = siteKey;
  }

  /**
   * Runs the reading code on a small raw recording of our own ({@code warm-up-raw.jfr}: what the agent hands
   * over, dumped from a 2-s packet of it-tests' OrderDeskApp on JDK 17, with CPU samples, GCs, monitors, allocations
   * and the rest of the packet's settings), so that this JVM has loaded and compiled the code by the time the target's
   * recordings arrive: called (once; later calls do nothing) while the target records, when this process has nothing
   * else to do. Cold, a recording took 1.5 s to read here, and the target waits for it. A raw recording, not a
   * rewritten one: it also holds the types the rewrite drops, whose paths stayed cold before. Read {@value
   * #WARM_UP_ROUNDS} times: once left most of the code interpreted, and the target's recordings (about 160 KB for 5 s
   * of a busy JVM) then took 250-300 ms here; the rounds after the first cost about 100 ms each.
   */
  void warmUp() {
    if (warming.getAndSet(true)) {
      return;
    }
    // First: C2 would compile the rounds' code, and the target's recordings after them, on the core they need.
    CompilerLimit.toC1();
    for (RecordingEntries what : RecordingEntries.values()) {
      warmUps.execute(() -> warmUp(what));
    }
  }

  private void warmUp(RecordingEntries what) {
    try {
      Path canned = Files.createTempFile("support-packet-warm-up-", ".jfr");
      try {
        try (InputStream in = RecordingWorker.class.getResourceAsStream("warm-up-raw.jfr")) {
          Files.copy(in, canned, StandardCopyOption.REPLACE_EXISTING);
        }
        Sanitizer sanitizer = Sanitizer.withRandomKey();
        for (int round = 0; round < WARM_UP_ROUNDS && !arrived.get(); round++) {
          Packet packet = new Packet(sanitizer, new MemorySink());
          what.derive(packet, canned, new RecordingHandoff.Window(0, Long.MAX_VALUE / 2));
          // The redaction counts too: written as Properties, whose first use (a date for its comment, and with it
          // the time zone data) took 20-25 ms after the recording's stop.
          for (EntryRecord r : packet.entries()) {
            counts(r.redactions);
          }
          warmUpRounds.incrementAndGet();
        }
      } finally {
        Files.deleteIfExists(canned);
      }
    } catch (IOException | RuntimeException e) {
      // only time is lost: the target's recording is read cold
    }
  }

  /** Warm-up rounds finished so far, both kinds counted: at most {@value #WARM_UP_ROUNDS} each. */
  int warmUpRounds() {
    return warmUpRounds.get();
  }

  /** Lets the warm-up's rounds under way end, starts no other; true when they ended within {@code time}. */
  boolean finishWarmUp(Duration time) throws InterruptedException {
    warmUps.shutdown();
    return warmUps.awaitTermination(time.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** First parts read so far, used or not. */
  int partsRead() {
    return partsRead.get();
  }

  /** Recordings so far whose first part was read while they ran, and whose whole began with it. */
  int partsUsed() {
    return partsUsed.get();
  }

  /** The rests of recordings so far read once for both kinds ({@link SharedRest}). */
  int restsShared() {
    return rests.shared();
  }

  /**
   * Recordings so far scrubbed with the sanitizer restored while they ran, the state at their end being the same as
   * the one handed over with their first part.
   */
  int earlySanitizersUsed() {
    return earlySanitizers.get();
  }

  /** Takes the first part of a recording a {@code part} status line names; returns at once. */
  void takePart(String kind, String name) {
    RecordingEntries what;
    try {
      what = RecordingEntries.valueOf(kind);
    } catch (IllegalArgumentException e) {
      return; // not ours: the whole recording's line is answered, with the failure
    }
    arrived.set(true);
    withParts.add(what);
    parts.put(what, thread.submit(() -> readPart(what, name)));
  }

  private Part readPart(RecordingEntries what, String name) throws IOException {
    Path own = dir.resolve(TargetFiles.plainName(name));
    long start;
    try (InputStream in = TargetFiles.openTheirs(own, RecordingHandoff.PREVIEW_WINDOW)) {
      start = RecordingHandoff.Window.parse(new String(in.readNBytes(100), StandardCharsets.UTF_8)).startMillis;
    }
    Restored early = restoreQuietly(own, RecordingHandoff.PREVIEW_STATE);
    Path copy = Files.createTempFile("support-packet-preview-", ".jfr");
    try {
      MessageDigest sha = sha256();
      long length;
      try (InputStream in = new DigestInputStream(TargetFiles.openTheirs(own, RecordingHandoff.PREVIEW), sha)) {
        length = Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
      }
      RecordingHandoff.Reading reading = what.begin(start);
      reading.read(copy);
      if (early != null) {
        rewriteAhead(reading, copy, early.sanitizer);
      }
      partsRead.incrementAndGet();
      return new Part(reading, start, length, sha.digest(), early);
    } finally {
      Files.deleteIfExists(copy);
    }
  }

  /**
   * Rewrites the part ahead with the sanitizer restored with it: used at the end only if the state then is the same.
   * A failure costs only time: the whole is rewritten at the end, and fails there if it must.
   */
  private static void rewriteAhead(RecordingHandoff.Reading reading, Path part, Sanitizer sanitizer) {
    try {
      reading.rewriteAhead(part, sanitizer);
    } catch (IOException | RuntimeException e) {
      // the whole is rewritten at the end
    }
  }

  /** The kind's first part, once read; null when none was handed over or it could not be read. */
  private Part partOf(RecordingEntries what) {
    Future<Part> part = parts.remove(what);
    try {
      return part == null ? null : part.get();
    } catch (ExecutionException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** Takes the recording a {@code work} status line names; returns at once. */
  void take(String kind, String name) {
    arrived.set(true);
    rests.expect();
    thread.execute(() -> work(kind, name));
  }

  private void work(String kind, String name) {
    try {
      answer(kind, name);
    } finally {
      // Whatever happened: a twin that waits for this one's rest reads its own now.
      rests.skip();
    }
  }

  private void answer(String kind, String name) {
    Path own;
    try {
      own = dir.resolve(TargetFiles.plainName(name));
    } catch (IOException e) {
      return; // not our agent's name: nothing to answer into; it reads the recording itself after its deadline
    }
    String failure;
    try {
      failure = derive(RecordingEntries.valueOf(kind), own);
    } catch (IOException | CliFailure | RuntimeException e) {
      failure = "the attach CLI could not read the recording back: " + e.getMessage();
    }
    try {
      if (failure != null) {
        files.writeForTarget(own, RecordingHandoff.FAILED, failure.getBytes(StandardCharsets.UTF_8));
      }
      // Last: the agent reads nothing before it, so nothing it reads is half written.
      files.writeForTarget(own, RecordingHandoff.DONE, new byte[0]);
    } catch (IOException e) {
      // the agent gave up on us meanwhile and removed the directory
    }
  }

  /** Writes the entries back; returns the failure of deriving them (some may be written), null when none. */
  private String derive(RecordingEntries what, Path own) throws IOException, CliFailure {
    RecordingHandoff.Window window;
    try (InputStream in = TargetFiles.openTheirs(own, RecordingHandoff.WINDOW)) {
      window = RecordingHandoff.Window.parse(new String(in.readNBytes(100), StandardCharsets.UTF_8));
    }
    // Copied without following a link the target's user may have put in the recording's place; private to us.
    Path raw = Files.createTempFile("support-packet-recording-", ".jfr");
    try {
      try (InputStream in = TargetFiles.openTheirs(own, RecordingHandoff.RAW)) {
        Files.copy(in, raw, StandardCopyOption.REPLACE_EXISTING);
      }
      // Waited for only now: the copy above goes on beside a first part still being read.
      Part part = partOf(what);
      Sanitizer sanitizer = part == null ? null : part.sanitizerIfStateIs(own);
      if (sanitizer == null) {
        try (InputStream in = TargetFiles.openTheirs(own, RecordingHandoff.STATE)) {
          sanitizer = CliSanitizer.restore(rules, siteKey, in);
        }
      } else {
        earlySanitizers.incrementAndGet();
      }
      MemorySink sink = new MemorySink();
      Packet packet = new Packet(sanitizer, sink);
      String failure = null;
      try {
        boolean twinExpected = withParts.size() == RecordingEntries.values().length;
        RecordingHandoff.Reading reading = part == null ? null : part.rest(raw, window, rests, twinExpected);
        if (reading == null) {
          rests.skip();
          reading = what.begin(window.startMillis);
          reading.read(raw);
        } else {
          partsUsed.incrementAndGet();
        }
        reading.writeTo(packet, raw, window);
      } catch (IOException | RuntimeException e) {
        failure = String.valueOf(e.getMessage());
      }
      Map<String, byte[]> written = sink.entries();
      for (EntryRecord r : packet.entries()) {
        String file = RecordingHandoff.fileName(r.name);
        files.writeForTarget(own, file + RecordingHandoff.COUNTS_SUFFIX, counts(r.redactions));
        files.writeForTarget(own, file, written.get(r.name));
      }
      return failure;
    } finally {
      Files.deleteIfExists(raw);
    }
  }

  /**
   * The sanitizer of a state file of {@code own}, restored, with the state's SHA-256; null when there is none or it
   * cannot be restored (the state at the end is then restored after it).
   */
  private Restored restoreQuietly(Path own, String name) {
    try (InputStream in = TargetFiles.openTheirs(own, name)) {
      MessageDigest sha = sha256();
      DigestInputStream state = new DigestInputStream(in, sha);
      Sanitizer sanitizer = CliSanitizer.restore(rules, siteKey, state);
      // What restore left unread counts too: a state is the same only if all of it is.
      state.transferTo(OutputStream.nullOutputStream());
      return new Restored(sanitizer, sha.digest());
    } catch (IOException | CliFailure | RuntimeException e) {
      return null;
    }
  }

  /** A sanitizer restored from a state, and the state's SHA-256. */
  private static final class Restored {
    final Sanitizer sanitizer;
    final byte[] sha256;

    Restored(Sanitizer sanitizer, byte[] sha256) {
      this.sanitizer = sanitizer;
      this.sha256 = sha256;
    }
  }

  /**
   * A first part read: the reading it began, what the whole recording must begin with to go on from it, and the
   * sanitizer restored from the state handed over with it (null: none).
   */
  private static final class Part {
    private final RecordingHandoff.Reading reading;
    private final long startMillis;
    private final long length;
    private final byte[] sha256;
    private final Restored early;

    Part(RecordingHandoff.Reading reading, long startMillis, long length, byte[] sha256, Restored early) {
      this.reading = reading;
      this.startMillis = startMillis;
      this.length = length;
      this.sha256 = sha256;
      this.early = early;
    }

    /**
     * The sanitizer restored with this part, if the state at the end (in {@code own}) is the one it was restored
     * from; null otherwise: a secret learned since must be scrubbed too.
     */
    Sanitizer sanitizerIfStateIs(Path own) throws IOException {
      if (early == null) {
        return null;
      }
      try (InputStream in = TargetFiles.openTheirs(own, RecordingHandoff.STATE)) {
        return MessageDigest.isEqual(early.sha256, sha256(in)) ? early.sanitizer : null;
      }
    }

    /**
     * The reading, with what {@code raw} holds beyond this part read too, through {@code rests}; null when {@code
     * raw} is not of the same window or does not begin with this part (it is then read whole).
     */
    RecordingHandoff.Reading rest(Path raw, RecordingHandoff.Window window, SharedRest rests, boolean twinExpected)
        throws IOException {
      if (window.startMillis != startMillis) {
        return null;
      }
      Path tail = Files.createTempFile("support-packet-rest-", ".jfr");
      try {
        MessageDigest sha = sha256();
        try (InputStream in = Files.newInputStream(raw); OutputStream out = Files.newOutputStream(tail)) {
          byte[] buf = new byte[64 * 1024];
          for (long left = length; left > 0; ) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) {
              return null;
            }
            sha.update(buf, 0, n);
            left -= n;
          }
          if (!MessageDigest.isEqual(sha.digest(), sha256)) {
            return null;
          }
          sha.reset();
          new DigestInputStream(in, sha).transferTo(out);
        }
        if (Files.size(tail) > 0) {
          rests.read(sha.digest(), tail, reading, twinExpected);
        } else {
          rests.skip();
        }
        return reading;
      } finally {
        Files.deleteIfExists(tail);
      }
    }
  }

  private static byte[] sha256(InputStream in) throws IOException {
    MessageDigest sha = sha256();
    new DigestInputStream(in, sha).transferTo(OutputStream.nullOutputStream());
    return sha.digest();
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  private static byte[] counts(Map<String, Integer> redactions) throws IOException {
    Properties p = new Properties();
    redactions.forEach((rule, n) -> p.setProperty(rule, Integer.toString(n)));
    StringWriter w = new StringWriter();
    p.store(w, null);
    return w.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static ExecutorService pool(String name) {
    return Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    });
  }

  @Override
  public void close() {
    thread.shutdownNow();
    warmUps.shutdownNow();
  }
}
