package dev.supportpacket.cli;

import dev.supportpacket.agent.audit.AuditFiles;
import dev.supportpacket.agent.audit.AuditKeys;
import dev.supportpacket.agent.audit.AuditLine;
import dev.supportpacket.agent.audit.AuditRecord;
import dev.supportpacket.agent.packet.PrivateFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Checks an audit file, or every audit file of a directory with its rotated predecessors, and names the first
 * record that was edited, removed or reordered, the first rotated file that is missing, or the first seal that does
 * not verify. Stops at the first problem: what follows it is usually its consequence.
 *
 * <p>What it cannot see: records appended after the last seal can be cut off the end, or rewritten by someone
 * without the key only if no seal follows them; and whoever holds the signing key can rewrite everything. It says how
 * many records no seal covers.
 *
 * <p>{@code attach.jar audit verify} only: it runs in the CLI, never in a target, so it is not part of the agent jar.
 * It reads the lines with the agent's own reader of the format ({@link AuditLine}) and finds the files by the names
 * the writer gives them ({@link AuditFiles}).
 */
final class AuditVerifier {
  private final Path publicKey;
  private final byte[] hmacKey;

  /**
   * @param publicKey a {@code .pub} or {@code .key} file to check seals with; null for the one beside the audit file
   * @param hmacKey the chain's key when it is keyed; null otherwise
   */
  AuditVerifier(Path publicKey, byte[] hmacKey) {
    this.publicKey = publicKey;
    this.hmacKey = hmacKey == null ? null : hmacKey.clone();
  }

  /** What verification found. */
  static final class Result {
    /** The first problem, or null when the chain is intact. */
    final String problem;
    /** What was checked and what could not be, one line each. */
    final List<String> notes;

    Result(String problem, List<String> notes) {
      this.problem = problem;
      this.notes = List.copyOf(notes);
    }

    boolean intact() {
      return problem == null;
    }
  }

  /**
   * @param target an audit file, or a directory holding audit files
   * @throws IOException when a file cannot be read
   * @throws IllegalArgumentException when verification needs a key that was not given or found
   */
  Result verify(Path target) throws IOException {
    List<String> notes = new ArrayList<>();
    List<List<Path>> chains = new ArrayList<>();
    if (Files.isDirectory(target)) {
      try (Stream<Path> s = Files.list(target)) {
        List<Path> current = s.filter(p -> p.getFileName().toString().endsWith(".jsonl"))
            .filter(p -> !AuditFiles.isRotated(p)).sorted().collect(Collectors.toList());
        for (Path c : current) {
          List<Path> chain = new ArrayList<>(AuditFiles.rotatedFiles(c));
          chain.add(c);
          chains.add(chain);
        }
      }
      if (chains.isEmpty()) {
        throw new IllegalArgumentException("no audit file (*.jsonl) in " + target);
      }
    } else {
      chains.add(List.of(target));
    }
    for (List<Path> chain : chains) {
      String problem = verifyChain(chain, notes);
      if (problem != null) {
        return new Result(problem, notes);
      }
    }
    return new Result(null, notes);
  }

  private String verifyChain(List<Path> files, List<String> notes) throws IOException {
    Set<String> pruned = new HashSet<>();
    List<List<byte[]>> contents = new ArrayList<>();
    for (Path f : files) {
      byte[] all = read(f);
      if (all.length > 0 && all[all.length - 1] != '\n') {
        return f + ": ends inside a line: the file was cut off (truncated) or its last line was edited";
      }
      List<byte[]> lines = split(all);
      contents.add(lines);
      for (byte[] l : lines) {
        AuditLine.parse(l).filter(n -> AuditRecord.PRUNE.equals(n.event()))
            .ifPresent(n -> pruned.addAll(n.metaList("files")));
      }
    }
    Path keyFile = publicKey;
    SealChecker checker = null;
    long prevSeq = -1;
    byte[] prevLine = null;
    String lastSealLink = null;
    long lastSealSeq = -1;
    boolean sealSeen = false;
    int records = 0;
    int seals = 0;
    long unsealed = 0;
    for (int fi = 0; fi < files.size(); fi++) {
      Path f = files.get(fi);
      List<byte[]> lines = contents.get(fi);
      for (int li = 0; li < lines.size(); li++) {
        String where = f.getFileName() + " line " + (li + 1);
        byte[] line = lines.get(li);
        AuditLine n = AuditLine.parse(line).orElse(null);
        if (n == null || n.seq().isEmpty() || !n.hasPrev()) {
          return where + ": not a whole audit record (edited or damaged)";
        }
        long seq = n.seq().getAsLong();
        String event = n.event();
        byte[] key = n.keyedChain() ? requireHmac() : null;
        if (li == 0 && AuditRecord.ROTATE.equals(event)) {
          String previous = n.metaText("previousFile").orElse("");
          boolean present = fi > 0 && files.get(fi - 1).getFileName().toString().equals(previous);
          if (!present) {
            if (fi == 0 && pruned.contains(previous)) {
              notes.add(f.getFileName() + " continues " + previous + ", deleted by retention (max_backups)");
            } else if (fi == 0 && Files.exists(f.resolveSibling(previous))) {
              notes.add(f.getFileName() + " continues " + previous + ": verify the directory to check across files");
            } else {
              return "rotated file " + previous + " (before " + f.getFileName() + ") is missing";
            }
          }
          if (fi == 0) {
            lastSealLink = n.metaText("prevSeal").orElse(null);
            sealSeen = lastSealLink != null;
          }
        } else if (li == 0 && fi > 0) {
          return where + ": " + files.get(fi - 1).getFileName() + " is followed by a file that does not continue it";
        }
        if (prevLine != null) {
          if (seq > prevSeq + 1) {
            return where + ": records seq " + (prevSeq + 1) + (seq - 1 > prevSeq + 1 ? ".." + (seq - 1) : "")
                + " are missing before it (removed)";
          }
          if (seq <= prevSeq) {
            return where + ": seq " + seq + " after seq " + prevSeq + ": records were reordered or duplicated";
          }
          String expected = AuditKeys.link(prevLine, key);
          if (!expected.equals(n.prev())) {
            String before = li > 0 ? f.getFileName() + " line " + li : files.get(fi - 1).getFileName() + " (last line)";
            return before + " (seq " + prevSeq + ") was edited: " + where + " records another hash for it";
          }
        }
        if (AuditRecord.SEAL.equals(event)) {
          if (checker == null) {
            checker = checker(keyFile, f, n.metaText("alg").orElse(""), n.metaText("keyId").orElse(""));
          }
          String problem = checkSeal(n, line, checker, where, lastSealLink, sealSeen ? lastSealSeq : -1, seq);
          if (problem != null) {
            return problem;
          }
          lastSealLink = AuditKeys.link(line, key);
          lastSealSeq = seq;
          sealSeen = true;
          seals++;
          unsealed = 0;
        } else {
          records++;
          unsealed++;
        }
        prevSeq = seq;
        prevLine = line;
      }
    }
    notes.add(files.get(files.size() - 1) + ": " + records + " records in " + files.size() + " file(s), chain intact, "
        + seals + " seal(s) verified");
    if (unsealed > 0) {
      notes.add(unsealed + " record(s) after the last seal are covered by no signature: an edit of the last of them,"
          + " or their removal, would not show");
    }
    return null;
  }

  private String checkSeal(AuditLine n, byte[] line, SealChecker checker, String where, String lastSealLink,
      long lastSealSeq, long seq) {
    String text = new String(line, StandardCharsets.UTF_8);
    int at = text.lastIndexOf(",\"sig\":\"");
    if (at < 0 || !text.endsWith("\"}")) {
      return where + ": seal without a signature";
    }
    byte[] signed = (text.substring(0, at) + "}").getBytes(StandardCharsets.UTF_8);
    String sig = text.substring(at + 8, text.length() - 2);
    String alg = n.metaText("alg").orElse("");
    String keyId = n.metaText("keyId").orElse("");
    if (!checker.keyId(alg).equals(keyId)) {
      return where + ": seal made with key " + keyId + ", not with the key given (" + checker.keyId(alg)
          + "): the key was replaced, or the wrong key was given";
    }
    if (!checker.verify(alg, signed, sig)) {
      return where + ": seal signature does not verify (" + alg + "): the seal was edited or forged";
    }
    if (lastSealLink != null && !lastSealLink.equals(n.metaText("prevSeal").orElse(""))) {
      return where + ": seal does not chain to the seal before it: a seal was removed or replaced";
    }
    long from = n.metaLong("from");
    long to = n.metaLong("to");
    if (to != seq - 1 || (lastSealSeq >= 0 && from != lastSealSeq + 1)) {
      return where + ": seal covers seq " + from + ".." + to + ", which is not the range since the last seal";
    }
    return null;
  }

  /**
   * The key to check the seals with: the one given, else the first of these that made the first seal: the
   * {@code .pub} or {@code .key} beside the file, the {@code .pub} in the user's state directory (where the key is
   * made by default). A key file found beside the log is only a candidate: another user may have planted it there.
   */
  private SealChecker checker(Path given, Path auditFile, String alg, String keyId) throws IOException {
    if (given != null) {
      return SealChecker.load(given);
    }
    String stem = AuditFiles.currentStem(auditFile);
    List<Path> candidates = new ArrayList<>(List.of(auditFile.resolveSibling(stem + ".pub"),
        auditFile.resolveSibling(stem + ".key")));
    PrivateFiles.stateDirectory()
        .ifPresent(d -> candidates.add(AuditKeys.publicKeyFileFor(d.resolve(AuditFiles.DEFAULT_KEY))));
    SealChecker first = null;
    for (Path c : candidates) {
      if (Files.isReadable(c)) {
        SealChecker checker = SealChecker.load(c);
        if (checker.keyId(alg).equals(keyId)) {
          return checker;
        }
        first = first == null ? checker : first;
      }
    }
    if (first != null) {
      return first; // names the key the seal was made with, and the one found
    }
    throw new IllegalArgumentException("no key to check the seals with: none of " + candidates + " is readable;"
        + " give --public-key (the .pub in ~/.local/state/support-packet of the user who wrote the log)");
  }

  private byte[] requireHmac() {
    if (hmacKey == null) {
      throw new IllegalArgumentException("the chain is keyed (hmac-sha256): give --hmac-key-file");
    }
    return hmacKey;
  }

  private static byte[] read(Path f) throws IOException {
    if (f.getFileName().toString().endsWith(".gz")) {
      try (InputStream in = new GZIPInputStream(Files.newInputStream(f))) {
        return in.readAllBytes();
      }
    }
    return Files.readAllBytes(f);
  }

  private static List<byte[]> split(byte[] all) {
    List<byte[]> lines = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < all.length; i++) {
      if (all[i] == '\n') {
        lines.add(Arrays.copyOfRange(all, start, i));
        start = i + 1;
      }
    }
    return lines;
  }
}
