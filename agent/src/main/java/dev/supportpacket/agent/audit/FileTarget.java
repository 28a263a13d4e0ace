package dev.supportpacket.agent.audit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.supportpacket.agent.packet.PrivateFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
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
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

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
    /** Key file for seals; null: {@code <stem>.key} beside the file. */
    Path signingKeyFile;
    /** Keys the chain (HMAC-SHA256) when set. */
    byte[] hmacKey;
  }

  private final Function<AuditRecord, Path> fileOf;
  private final AuditFormat format;
  private final boolean chained;
  private final Settings settings;
  private Consumer<AuditRecord> sealSink = seal -> {};
  /** Seals made but not yet in the file: forwarded only once written, so that a remote copy always has its line. */
  private final List<AuditRecord> unsentSeals = new ArrayList<>();

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
    unsentSeals.clear(); // seals of a failed batch were never written
    Map<Path, List<AuditRecord>> byFile = new LinkedHashMap<>();
    for (AuditRecord r : batch) {
      byFile.computeIfAbsent(fileOf.apply(r).toAbsolutePath(), k -> new ArrayList<>()).add(r);
    }
    for (Map.Entry<Path, List<AuditRecord>> e : byFile.entrySet()) {
      writeTo(e.getKey(), e.getValue());
    }
  }

  private void writeTo(Path file, List<AuditRecord> records) throws IOException {
    Path lockFile = file.resolveSibling(stem(file) + ".lock");
    createPrivate(lockFile);
    try (FileChannel lockChannel = FileChannel.open(lockFile, StandardOpenOption.WRITE);
        FileLock lock = lockChannel.lock()) {
      createPrivate(file);
      ChainState state = chained ? ChainState.read(file, settings.hmacKey) : ChainState.EMPTY;
      List<String> lines = new ArrayList<>();
      if (chained && state.needsRotation(file, settings)) {
        state = rotate(file, state);
      }
      for (AuditRecord r : records) {
        state = append(lines, state, r.fields());
      }
      if (chained && state.unsealed >= Math.max(1, settings.sealEvery)) {
        state = seal(lines, state, file);
      }
      appendAndForward(file, lines, state.missingNewline);
    }
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

  /** Appends a seal over the records since the last seal; signed so that an edit of the chain needs the key. */
  private ChainState seal(List<String> lines, ChainState state, Path file) throws IOException {
    AuditKeys.Signer signer = AuditKeys.Signer.loadOrCreate(keyFile(file));
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
    unsentSeals.add(seal.meta("file", file.toString()).meta("seq", sealed.lastSeq).meta("link", sealed.lastSealLink)
        .meta("sig", sig).build());
    return sealed;
  }

  private void appendAndForward(Path file, List<String> lines, boolean missingNewline) throws IOException {
    appendLines(file, lines, missingNewline);
    unsentSeals.forEach(sealSink);
    unsentSeals.clear();
  }

  /**
   * Seals the current file, renames it to {@code <stem>-<UTC stamp><ext>} (gzipped when {@code compress}), and starts
   * the new file with a rotate record that names it and continues the chain, then deletes backups beyond retention
   * and says so in a prune record. The new file is never empty, so its chain state never depends on the old one.
   */
  private ChainState rotate(Path file, ChainState state) throws IOException {
    List<String> closing = new ArrayList<>();
    if (state.unsealed > 0) {
      state = seal(closing, state, file);
      appendAndForward(file, closing, state.missingNewline);
    }
    String ext = extension(file);
    Path rotated = file.resolveSibling(stem(file) + "-" + STAMP.format(Instant.now()) + ext);
    Files.move(file, rotated, StandardCopyOption.ATOMIC_MOVE);
    if (settings.compress) {
      Path gz = rotated.resolveSibling(rotated.getFileName() + ".gz");
      createPrivate(gz);
      try (InputStream in = Files.newInputStream(rotated);
          OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz, StandardOpenOption.TRUNCATE_EXISTING))) {
        in.transferTo(out);
      }
      Files.delete(rotated);
      rotated = gz;
    }
    createPrivate(file);
    List<String> opening = new ArrayList<>();
    ChainState fresh = state.newFile();
    fresh = append(opening, fresh, AuditRecord.ofAgent(AuditRecord.ROTATE).meta("previousFile", rotated.getFileName().toString())
        .meta("prevSeal", state.lastSealLink).build().fields());
    List<String> pruned = prune(file);
    if (!pruned.isEmpty()) {
      fresh = append(opening, fresh, AuditRecord.ofAgent(AuditRecord.PRUNE).meta("files", pruned)
          .meta("maxBackups", settings.maxBackups).build().fields());
    }
    appendLines(file, opening, false);
    return fresh;
  }

  /** Deletes the oldest rotated files beyond {@code maxBackups}; returns their names. */
  private List<String> prune(Path file) throws IOException {
    if (settings.maxBackups <= 0) {
      return List.of();
    }
    List<Path> backups = rotatedFiles(file);
    List<String> deleted = new ArrayList<>();
    for (int i = 0; i < backups.size() - settings.maxBackups; i++) {
      Files.deleteIfExists(backups.get(i));
      deleted.add(backups.get(i).getFileName().toString());
    }
    return deleted;
  }

  /** The rotated files of {@code file}, oldest first (their names sort by time). */
  static List<Path> rotatedFiles(Path file) throws IOException {
    String prefix = stem(file) + "-";
    String ext = extension(file);
    try (Stream<Path> s = Files.list(file.toAbsolutePath().getParent())) {
      return s.filter(p -> {
        String n = p.getFileName().toString();
        return n.startsWith(prefix) && (n.endsWith(ext) || n.endsWith(ext + ".gz"));
      }).sorted().collect(Collectors.toList());
    }
  }

  private Path keyFile(Path file) {
    return settings.signingKeyFile != null ? settings.signingKeyFile : file.resolveSibling(stem(file) + ".key");
  }

  private static void appendLines(Path file, List<String> lines, boolean missingNewline) throws IOException {
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
    // One write of whole lines under the lock: readers never see half a batch from a live writer.
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      ByteBuffer buf = ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8));
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(false);
    }
  }

  private static void createPrivate(Path file) throws IOException {
    if (!Files.exists(file)) {
      try {
        PrivateFiles.createFile(file);
      } catch (FileAlreadyExistsException e) {
        // created by another JVM meanwhile
      }
    }
  }

  static String stem(Path file) {
    String n = file.getFileName().toString();
    int dot = n.lastIndexOf('.');
    return dot > 0 ? n.substring(0, dot) : n;
  }

  static String extension(Path file) {
    String n = file.getFileName().toString();
    int dot = n.lastIndexOf('.');
    return dot > 0 ? n.substring(dot) : "";
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

    boolean needsRotation(Path file, Settings s) {
      if (size == 0) {
        return false;
      }
      boolean bySize = s.maxSize > 0 && size >= s.maxSize;
      boolean byAge = s.maxAge != null && firstCreateAt > 0
          && System.currentTimeMillis() - firstCreateAt >= s.maxAge.toMillis();
      return bySize || byAge;
    }

    /**
     * Reads the chain's end from the file. Reads the whole file: rotation bounds it (10 MB by default) and a record
     * is written per packet, not per request of the application.
     */
    static ChainState read(Path file, byte[] hmacKey) throws IOException {
      byte[] all = Files.readAllBytes(file);
      if (all.length == 0) {
        return EMPTY;
      }
      long lastSeq = 0;
      String lastSealLink = null;
      int unsealed = 0;
      long first = 0;
      String lastLink = null;
      int start = 0;
      while (start < all.length) {
        int end = start;
        while (end < all.length && all[end] != '\n') {
          end++;
        }
        byte[] line = java.util.Arrays.copyOfRange(all, start, end);
        lastLink = AuditKeys.link(line, hmacKey);
        JsonNode n = parse(line);
        if (n != null && n.path("seq").canConvertToLong()) {
          lastSeq = n.get("seq").asLong();
          if (first == 0) {
            first = n.path("createAt").asLong(0);
          }
          String event = n.path("event").asText();
          if (AuditRecord.SEAL.equals(event)) {
            unsealed = 0;
            lastSealLink = "self";
          } else if (AuditRecord.ROTATE.equals(event) && lastSealLink == null) {
            lastSealLink = n.path("meta").path("prevSeal").isTextual() ? n.path("meta").path("prevSeal").asText() : null;
            unsealed++;
          } else {
            unsealed++;
          }
        }
        if ("self".equals(lastSealLink)) {
          lastSealLink = lastLink;
        }
        start = end + 1;
      }
      return new ChainState(lastSeq, lastLink, lastSealLink, unsealed, first, all[all.length - 1] != '\n', all.length);
    }

    static JsonNode parse(byte[] line) {
      try {
        return AuditFormat.JSON.readTree(line);
      } catch (IOException e) {
        return null;
      }
    }
  }
}
