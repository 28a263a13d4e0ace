package dev.supportpacket.agent.audit;

import dev.supportpacket.agent.packet.PrivateFiles;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.LinkOption;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.zip.GZIPOutputStream;

/**
 * A JSON-lines file with a hash chain: each line carries {@code seq} and {@code prev}, the link (SHA-256, or
 * HMAC-SHA256 with the audit key) of the previous line's exact bytes. After every batch with at least
 * {@code sealEvery} unsealed records, and before rotation, a seal line signed with Ed25519 covers the records since
 * the last seal and names that seal's link.
 *
 * <p>The chain's state lives in the file, not in memory: each batch reads the current file under an exclusive lock
 * on {@code <stem>.lock}, so several JVMs writing packets to one directory, and restarts, keep one chain. The lock
 * file never moves, so a writer never appends to a file another one just rotated. Nothing stays open between batches.
 *
 * <p>A file in {@code plain} format is written the same way but without chain or seals: it is for people, not
 * evidence.
 */
final class FileTarget extends ConfiguredTarget {
  /** At most this much of an audit file is read to find the chain's end. */
  static final long MAX_SCAN = 16L * 1024 * 1024;
  static final int CHUNK = 64 * 1024;
  /** A line longer than this is not an audit record (ours are under 4 KB). */
  static final int MAX_LINE = 256 * 1024;

  /** Everything a file target needs beside its name, levels and format. */
  static final class Settings {
    /** Rotate when the file reaches this many bytes; 0 for never. */
    long maxSize = 10L * 1024 * 1024;
    /** Rotate when the file's first record is older than this; null for never. */
    Duration maxAge;
    /** Rotated files kept; 0 for all. */
    int maxBackups;
    boolean compress = true;
    /** Seal after a batch once this many records are unsealed. */
    int sealEvery = 1;
    /** Key file for seals, as configured; null: {@value AuditFiles#DEFAULT_KEY} in {@link #keyDirectory}. */
    Path signingKeyFile;
    /** Where the default key lives; empty: {@code <stem>.key} beside the file. */
    Supplier<Optional<Path>> keyDirectory = PrivateFiles::stateDirectory;
    /** Where records go when their file, lock or key is refused (planted by another user); null: nowhere else. */
    Supplier<Path> fallback;
    /** Keys the chain (HMAC-SHA256) when set. */
    byte[] hmacKey;
  }

  private final Function<AuditRecord, Path> fileOf;
  private final AuditFormat format;
  private final boolean chained;
  private final Settings settings;
  private volatile Consumer<AuditRecord> sealSink = seal -> {};
  private final Map<Path, ReentrantLock> inProcessLocks = new ConcurrentHashMap<>();

  /**
   * @param fileOf the file a record goes to: a fixed file, or (the default target) the one beside its packet
   */
  FileTarget(String name, Function<AuditRecord, Path> fileOf, AuditFormat format, boolean chained,
      Set<AuditRecord.Level> levels, Settings settings) {
    super(name, levels);
    this.fileOf = fileOf;
    this.format = format;
    this.chained = chained;
    this.settings = settings;
  }

  @Override
  public void forwardSealsTo(Consumer<AuditRecord> sink) {
    this.sealSink = sink;
  }

  @Override
  public void write(List<AuditRecord> batch) throws IOException {
    Map<Path, List<AuditRecord>> byFile = new LinkedHashMap<>();
    for (AuditRecord r : batch) {
      byFile.computeIfAbsent(fileOf(r), k -> new ArrayList<>()).add(r);
    }
    for (Map.Entry<Path, List<AuditRecord>> e : byFile.entrySet()) {
      try {
        writeTo(e.getKey(), e.getValue());
      } catch (PrivateFiles.UntrustedFileException refused) {
        Path fallback = settings.fallback == null ? null : settings.fallback.get().toAbsolutePath();
        if (fallback == null || fallback.equals(e.getKey())) {
          throw refused;
        }
        // Planted in a shared directory: the records are kept, in the user's own directory, and never written there.
        System.err.println("support-packet: " + refused.getMessage() + " Its audit records go to " + fallback + ".");
        writeTo(fallback, e.getValue());
      }
    }
  }

  /** The file {@code r} goes to; records of different files have separate queues (see {@link AuditLog}). */
  @Override
  public String laneOf(AuditRecord r) {
    return fileOf(r).toString();
  }

  private Path fileOf(AuditRecord r) {
    return fileOf.apply(r).toAbsolutePath();
  }

  private void writeTo(Path file, List<AuditRecord> records) throws IOException {
    Path lockFile = AuditFiles.lockFile(file);
    // Seals made but not yet in the file: forwarded only once written, so that a remote copy always has its line.
    List<AuditRecord> seals = new ArrayList<>();
    // A file lock is held per JVM: two lanes of this JVM writing one file (the fallback) must take turns first.
    ReentrantLock inProcess = inProcessLocks.computeIfAbsent(lockFile, k -> new ReentrantLock());
    try {
      inProcess.lockInterruptibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("stopped while waiting for " + lockFile);
    }
    try (FileChannel lockChannel = PrivateFiles.openOwned(lockFile, "audit lock", StandardOpenOption.WRITE);
        FileLock lock = lockChannel.lock()) {
      ChainState closed;
      try (FileChannel ch = PrivateFiles.openOwned(file, "audit file", StandardOpenOption.READ,
          StandardOpenOption.WRITE)) {
        ChainState state = chained ? ChainState.read(ch, file, settings.hmacKey) : ChainState.EMPTY;
        if (!chained || !state.needsRotation(settings)) {
          appendRecords(ch, file, state, records, seals);
          return;
        }
        closed = closeForRotation(ch, file, state, seals);
      }
      ChainState fresh = rotate(file, closed);
      try (FileChannel ch = PrivateFiles.openOwned(file, "audit file", StandardOpenOption.READ,
          StandardOpenOption.WRITE)) {
        appendRecords(ch, file, fresh, records, seals);
      }
    } finally {
      inProcess.unlock();
      seals.forEach(sealSink);
    }
  }

  private void appendRecords(FileChannel ch, Path file, ChainState state, List<AuditRecord> records,
      List<AuditRecord> seals) throws IOException {
    List<String> lines = new ArrayList<>();
    for (AuditRecord r : records) {
      state = append(lines, state, r.fields());
    }
    List<AuditRecord> made = new ArrayList<>();
    if (chained && state.unsealed >= Math.max(1, settings.sealEvery)) {
      state = seal(lines, state, file, made);
    }
    appendLines(ch, lines, state.missingNewline);
    seals.addAll(made);
  }

  private ChainState append(List<String> lines, ChainState state, Map<String, Object> fields) {
    if (!chained) {
      lines.add(format.format(fields));
      return state;
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("seq", state.lastSeq + 1);
    m.put("prev", state.lastLink);
    m.put("chain", settings.hmacKey == null ? "sha256" : "hmac-sha256");
    m.putAll(fields);
    String line = format.format(m);
    lines.add(line);
    return state.after(line, settings.hmacKey, false, null);
  }

  /**
   * Appends a seal over the records since the last seal; signed so that an edit of the chain needs the key.
   *
   * @param seals gets the seal's copy for off-host targets
   */
  private ChainState seal(List<String> lines, ChainState state, Path file, List<AuditRecord> seals)
      throws IOException {
    AuditKeys.Signer signer = settings.signingKeyFile != null
        ? AuditKeys.Signer.loadOrCreate(settings.signingKeyFile, false)
        : AuditKeys.Signer.loadOrCreate(defaultKeyFile(file), true);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("seq", state.lastSeq + 1);
    m.put("prev", state.lastLink);
    m.put("chain", settings.hmacKey == null ? "sha256" : "hmac-sha256");
    AuditRecord.Builder seal = AuditRecord.ofAgent(AuditRecord.SEAL)
        .meta("from", state.lastSeq - state.unsealed + 1).meta("to", state.lastSeq)
        .meta("prevSeal", state.lastSealLink).meta("alg", signer.alg()).meta("keyId", signer.keyId());
    if (signer.alg().equals(AuditKeys.HMAC)) {
      seal.meta("note", "Ed25519 is not available on this JDK (before 15): sealed with HMAC-SHA256, which anyone"
          + " holding the key file can forge");
    }
    m.putAll(seal.build().fields());
    String unsigned = AuditFormat.toJson(m);
    String sig;
    try {
      sig = signer.sign(unsigned.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot sign an audit seal with " + signer.alg() + ": " + e.getMessage(), e);
    }
    String line = unsigned.substring(0, unsigned.length() - 1) + ",\"sig\":\"" + sig + "\"}";
    lines.add(line);
    ChainState sealed = state.after(line, settings.hmacKey, true, null);
    // The copy for off-host targets: same id, and the seal line's own link, which commits to every line before it.
    seals.add(seal.meta("file", file.toString()).meta("seq", sealed.lastSeq).meta("link", sealed.lastSealLink)
        .meta("sig", sig).build());
    return sealed;
  }

  /** Seals what is unsealed in the file about to be rotated. */
  private ChainState closeForRotation(FileChannel ch, Path file, ChainState state, List<AuditRecord> seals)
      throws IOException {
    if (state.unsealed == 0) {
      return state;
    }
    List<String> closing = new ArrayList<>();
    List<AuditRecord> made = new ArrayList<>();
    ChainState sealed = seal(closing, state, file, made);
    appendLines(ch, closing, state.missingNewline);
    seals.addAll(made);
    return sealed;
  }

  /**
   * Renames the current (sealed) file to {@code <stem>-<UTC stamp><ext>} (gzipped when {@code compress}), never over
   * an existing file, and starts the new file with a rotate record that names it and continues the chain, then
   * deletes backups beyond retention and says so in a prune record. The new file is never empty, so its chain state
   * never depends on the old one.
   */
  private ChainState rotate(Path file, ChainState state) throws IOException {
    Path rotated = AuditFiles.rotatedName(file, Instant.now());
    PrivateFiles.publish(file, rotated);
    if (settings.compress) {
      Path gz = rotated.resolveSibling(rotated.getFileName() + ".gz");
      try (InputStream in = Files.newInputStream(rotated, LinkOption.NOFOLLOW_LINKS);
          OutputStream out = new GZIPOutputStream(Channels.newOutputStream(PrivateFiles.createNew(gz)))) {
        in.transferTo(out);
      }
      Files.delete(rotated);
      rotated = gz;
    }
    List<String> opening = new ArrayList<>();
    ChainState fresh = state.newFile();
    fresh = append(opening, fresh, AuditRecord.ofAgent(AuditRecord.ROTATE).meta("previousFile", rotated.getFileName().toString())
        .meta("prevSeal", state.lastSealLink).build().fields());
    List<String> pruned = prune(file);
    if (!pruned.isEmpty()) {
      fresh = append(opening, fresh, AuditRecord.ofAgent(AuditRecord.PRUNE).meta("files", pruned)
          .meta("maxBackups", settings.maxBackups).build().fields());
    }
    try (FileChannel ch = PrivateFiles.createNew(file)) {
      appendLines(ch, opening, false);
    }
    return fresh;
  }

  /** Deletes the oldest rotated files beyond {@code maxBackups}; returns their names. */
  private List<String> prune(Path file) throws IOException {
    if (settings.maxBackups <= 0) {
      return List.of();
    }
    List<Path> backups = AuditFiles.rotatedFiles(file);
    List<String> deleted = new ArrayList<>();
    for (int i = 0; i < backups.size() - settings.maxBackups; i++) {
      Files.deleteIfExists(backups.get(i));
      deleted.add(backups.get(i).getFileName().toString());
    }
    return deleted;
  }

  /**
   * The seal key when none is configured: in the user's private state directory, out of the packets' directory
   * (whoever receives packets from there must not get the key); beside the file for a user without one.
   */
  private Path defaultKeyFile(Path file) {
    return settings.keyDirectory.get().map(d -> d.resolve(AuditFiles.DEFAULT_KEY))
        .orElse(file.resolveSibling(AuditFiles.stem(file) + ".key"));
  }

  /** Appends whole lines at the end, in one write, under the lock: readers never see half a batch. */
  private static void appendLines(FileChannel ch, List<String> lines, boolean missingNewline) throws IOException {
    if (lines.isEmpty()) {
      return;
    }
    StringBuilder sb = new StringBuilder();
    if (missingNewline) {
      sb.append('\n'); // a torn last line (crash mid-write) stays as it is, visibly broken, on its own line
    }
    for (String l : lines) {
      sb.append(l).append('\n');
    }
    ByteBuffer buf = ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8));
    long pos = ch.size();
    while (buf.hasRemaining()) {
      pos += ch.write(buf, pos);
    }
    ch.force(false);
  }

  /** Where the chain stands at the end of the current file. Immutable. */
  static final class ChainState {
    static final ChainState EMPTY = new ChainState(0, null, null, 0, 0, false, 0);

    final long lastSeq;
    final String lastLink;
    final String lastSealLink;
    final int unsealed;
    /** createAt of the file's first record, 0 when empty. */
    final long firstCreateAt;
    final boolean missingNewline;
    final long size;

    private ChainState(long lastSeq, String lastLink, String lastSealLink, int unsealed, long firstCreateAt,
        boolean missingNewline, long size) {
      this.lastSeq = lastSeq;
      this.lastLink = lastLink;
      this.lastSealLink = lastSealLink;
      this.unsealed = unsealed;
      this.firstCreateAt = firstCreateAt;
      this.missingNewline = missingNewline;
      this.size = size;
    }

    ChainState after(String line, byte[] hmacKey, boolean isSeal, Long createAt) {
      String link = AuditKeys.link(line.getBytes(StandardCharsets.UTF_8), hmacKey);
      return new ChainState(lastSeq + 1, link, isSeal ? link : lastSealLink, isSeal ? 0 : unsealed + 1,
          firstCreateAt, missingNewline, size);
    }

    /** The same chain continuing in an empty file. */
    ChainState newFile() {
      return new ChainState(lastSeq, lastLink, lastSealLink, unsealed, System.currentTimeMillis(), false, 0);
    }

    boolean needsRotation(Settings s) {
      if (size == 0) {
        return false;
      }
      boolean bySize = s.maxSize > 0 && size >= s.maxSize;
      boolean byAge = s.maxAge != null && firstCreateAt > 0
          && System.currentTimeMillis() - firstCreateAt >= s.maxAge.toMillis();
      return bySize || byAge;
    }

    /**
     * Reads the chain's end from the file, backwards from its end to the last seal (or the rotate record that starts
     * the file), never the whole file: an audit file may be huge (a 1 GB sparse file) or planted. Reads at most
     * {@value #MAX_SCAN} bytes, in chunks of {@value #CHUNK}; a line longer than {@value #MAX_LINE} bytes, or no
     * seal within the scan, is refused with a message saying to move the file away.
     */
    static ChainState read(FileChannel ch, Path file, byte[] hmacKey) throws IOException {
      long size = ch.size();
      if (size == 0) {
        return EMPTY;
      }
      Tail tail = new Tail(hmacKey);
      ByteBuffer last = ByteBuffer.allocate(1);
      ch.read(last, size - 1);
      boolean missingNewline = last.get(0) != '\n';
      byte[] carry = new byte[0];
      long pos = size;
      boolean atEnd = true;
      while (pos > 0 && !tail.done) {
        if (size - pos >= MAX_SCAN) {
          throw new IOException("audit file " + file + " has no seal in its last " + MAX_SCAN / (1024 * 1024)
              + " MB; it is not appended to. Move it away (a new file starts the chain again)");
        }
        int n = (int) Math.min(CHUNK, pos);
        pos -= n;
        byte[] data = new byte[n + carry.length];
        ByteBuffer buf = ByteBuffer.wrap(data, 0, n);
        while (buf.hasRemaining() && ch.read(buf, pos + buf.position()) > 0) {
          // filling the chunk
        }
        System.arraycopy(carry, 0, data, n, carry.length);
        int lineEnd = data.length;
        for (int i = data.length - 1; i >= 0 && !tail.done; i--) {
          if (data[i] == '\n') {
            if (!(atEnd && i + 1 == lineEnd)) { // no line after the file's final newline
              tail.visit(Arrays.copyOfRange(data, i + 1, lineEnd));
            }
            atEnd = false;
            lineEnd = i;
          }
        }
        carry = Arrays.copyOf(data, lineEnd);
        if (carry.length > MAX_LINE) {
          throw new IOException("audit file " + file + " ends in a line longer than " + MAX_LINE / 1024 + " KB, not an"
              + " audit record; it is not appended to. Move it away (a new file starts the chain again)");
        }
      }
      if (pos == 0 && !tail.done && (carry.length > 0 || !atEnd)) {
        tail.visit(carry);
      }
      return new ChainState(tail.lastSeq, tail.lastLink, tail.lastSealLink, tail.unsealed,
          firstCreateAt(ch), missingNewline, size);
    }

    /** createAt of the file's first record, for rotation by age; 0 when it cannot be told. */
    private static long firstCreateAt(FileChannel ch) throws IOException {
      byte[] head = PrivateFiles.readUpTo(ch, 0, CHUNK);
      int nl = 0;
      while (nl < head.length && head[nl] != '\n') {
        nl++;
      }
      return AuditLine.parse(Arrays.copyOf(head, nl)).map(AuditLine::createAt).orElse(0L);
    }

    /** The chain's end, gathered line by line from the last line backwards. */
    private static final class Tail {
      private final byte[] hmacKey;
      long lastSeq;
      String lastLink;
      String lastSealLink;
      int unsealed;
      boolean seenLast;
      boolean seenRecord;
      boolean done;

      Tail(byte[] hmacKey) {
        this.hmacKey = hmacKey;
      }

      void visit(byte[] line) {
        if (!seenLast) {
          seenLast = true;
          lastLink = AuditKeys.link(line, hmacKey);
        }
        AuditLine n = AuditLine.parse(line).orElse(null);
        if (n == null || n.seq().isEmpty()) {
          return;
        }
        if (!seenRecord) {
          seenRecord = true;
          lastSeq = n.seq().getAsLong();
        }
        String event = n.event();
        if (AuditRecord.SEAL.equals(event)) {
          lastSealLink = AuditKeys.link(line, hmacKey);
          done = true;
          return;
        }
        unsealed++;
        if (AuditRecord.ROTATE.equals(event)) {
          // Only ever a file's first line: it names the seal that closed the file before.
          lastSealLink = n.metaText("prevSeal").orElse(null);
          done = true;
        }
      }
    }
  }
}
