package dev.supportpacket.agent.packet;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The file boundary: every file and directory the agent creates, and every file of ours it finds again in a shared
 * place (audit log, lock, key), passes through here. The output directory may be {@code /tmp} or another directory
 * other local users can write, so nothing found there is trusted as found:
 *
 * <ul>
 *   <li>files are created exclusively ({@code CREATE_NEW}, never through a symbolic link) with mode 0600, directories
 *       with 0700, and used through the handle they were created with, never reopened by name;
 *   <li>temporary names are unpredictable (a name taken in advance cannot make a packet fail) and carry the pid and
 *       host, so that the leftovers of a killed JVM can be told from those of a live one ({@link #leftoverPid});
 *   <li>a finished file gets its final name by a hard link, which never replaces an existing file;
 *   <li>a file of ours found again ({@link #openOwned}) is refused, with a message naming it and the fix, when it is
 *       a symbolic link, not a regular file, not owned by the process's user, or writable by group or others.
 * </ul>
 */
public final class PrivateFiles {
  private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  private static final Set<PosixFilePermission> SHARED_WRITE =
      EnumSet.of(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);
  /** Prefix of every temporary name, so that log discovery and leftover cleaning know them. */
  public static final String TEMP_PREFIX = ".support-packet-";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

  private PrivateFiles() {}

  /** Creates an empty file with mode 0600, never through a symbolic link; fails if anything exists at that name. */
  public static Path createFile(Path file) throws IOException {
    createNew(file).close();
    return file;
  }

  /**
   * Creates a file with mode 0600 exclusively and returns the open handle to read and write it: the caller writes
   * through it and never reopens the file by name.
   *
   * @throws FileAlreadyExistsException when anything (a file, a link, a dangling link) has that name
   */
  public static FileChannel createNew(Path file) throws IOException {
    Set<OpenOption> opts = new HashSet<>(Arrays.asList(StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
        StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS));
    return POSIX ? FileChannel.open(file, opts, PosixFilePermissions.asFileAttribute(
        PosixFilePermissions.fromString("rw-------"))) : FileChannel.open(file, opts);
  }

  /** Creates a directory with mode 0700; fails if anything exists at that name. */
  public static Path createDirectory(Path dir) throws IOException {
    return Files.createDirectory(dir, privateDir());
  }

  /**
   * Creates {@code dir} and its missing parents, each with mode 0700; existing ones are left as they are.
   *
   * @return the directory
   */
  public static Path createDirectories(Path dir) throws IOException {
    Path abs = dir.toAbsolutePath().normalize();
    if (Files.isDirectory(abs)) {
      return abs;
    }
    Path parent = abs.getParent();
    if (parent != null) {
      createDirectories(parent);
    }
    try {
      Files.createDirectory(abs, privateDir());
    } catch (FileAlreadyExistsException e) {
      if (!Files.isDirectory(abs)) {
        throw e;
      }
    }
    return abs;
  }

  private static FileAttribute<?>[] privateDir() {
    return POSIX ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"))}
        : new FileAttribute<?>[0];
  }

  /**
   * An unpredictable temporary name in {@code dir}: {@code .support-packet-<pid>-<host>-<random><suffix>}. The pid
   * and a short hash of the host name let {@link #leftoverPid} find the leftovers of a JVM that is gone.
   */
  public static Path temporaryName(Path dir, String suffix) {
    StringBuilder r = new StringBuilder(12);
    for (int i = 0; i < 12; i++) {
      r.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
    }
    return dir.resolve(TEMP_PREFIX + ProcessHandle.current().pid() + "-" + hostTag(hostName()) + "-" + r + suffix);
  }

  /**
   * The pid of the JVM that made the temporary name {@code name} on this host, or empty when the name is not one of
   * ours or was made on another host (a container sharing the directory has its own pids).
   */
  public static Optional<Long> leftoverPid(String name) {
    if (!name.startsWith(TEMP_PREFIX)) {
      return Optional.empty();
    }
    String[] parts = name.substring(TEMP_PREFIX.length()).split("-", 3);
    if (parts.length < 3 || !parts[0].matches("\\d{1,10}") || !parts[1].equals(hostTag(hostName()))) {
      return Optional.empty();
    }
    return Optional.of(Long.parseLong(parts[0]));
  }

  static String hostTag(String host) {
    return String.format("%06x", host.hashCode() & 0xffffff);
  }

  private static String hostName() {
    try {
      byte[] b = Files.readAllBytes(Paths.get("/proc/sys/kernel/hostname"));
      return new String(b, java.nio.charset.StandardCharsets.UTF_8).trim();
    } catch (IOException | RuntimeException e) {
      return Objects.toString(System.getenv("HOSTNAME"), "unknown");
    }
  }

  /**
   * Gives {@code written} the name {@code finalFile} without ever replacing a file of that name: a hard link (which
   * fails when the name exists), then the temporary name is removed.
   *
   * @throws FileAlreadyExistsException when {@code finalFile} exists; {@code written} is left as it is
   */
  public static Path publish(Path written, Path finalFile) throws IOException {
    try {
      Files.createLink(finalFile, written);
    } catch (UnsupportedOperationException e) {
      // No hard links on this file system: a rename without REPLACE_EXISTING checks first (not atomically).
      Files.move(written, finalFile);
      return finalFile;
    }
    Files.delete(written);
    return finalFile;
  }

  /**
   * Opens a file of ours in a shared place, creating it (0600) when missing, and refuses one found as it must not be
   * (see the class comment). The checks run before and after opening, and the file must be the same both times, so a
   * file swapped in between is refused too.
   *
   * @param what what the file is, for the message: "audit file", "audit lock", …
   * @throws UntrustedFileException naming the file and the fix
   */
  public static FileChannel openOwned(Path file, String what, OpenOption... options) throws IOException {
    try {
      createFile(file);
    } catch (FileAlreadyExistsException e) {
      // ours from before, or another JVM's of the same user, or planted: checked below
    }
    Object key = requireOwned(file, what);
    Set<OpenOption> opts = new HashSet<>(Arrays.asList(options));
    opts.add(LinkOption.NOFOLLOW_LINKS);
    FileChannel ch = FileChannel.open(file, opts);
    try {
      if (!Objects.equals(key, requireOwned(file, what))) {
        throw new UntrustedFileException(what + " " + file + " was replaced while it was being opened; it is not used."
            + " Make sure no other user can write to " + file.getParent());
      }
      return ch;
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  /**
   * Checks a file of ours found in a shared place without opening it.
   *
   * @return the file's identity (device and inode), to compare with a later look
   * @throws UntrustedFileException when it is a link, not a regular file, another user's, or writable by others
   */
  public static Object requireOwned(Path file, String what) throws IOException {
    BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    String fix = " Remove it, or choose another directory";
    if (a.isSymbolicLink()) {
      throw new UntrustedFileException(what + " " + file + " is a symbolic link; it is not followed." + fix
          + " (a link placed there could redirect our writes into another file).");
    }
    if (!a.isRegularFile()) {
      throw new UntrustedFileException(what + " " + file + " is not a regular file; it is not used." + fix + ".");
    }
    if (!POSIX) {
      return a.fileKey();
    }
    PosixFileAttributes p = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    Object uid = Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    if (!uid.equals(processUid())) {
      throw new UntrustedFileException(what + " " + file + " belongs to " + p.owner().getName() + ", not to "
          + System.getProperty("user.name") + " who runs this JVM; it is not used." + fix
          + " (whoever owns it could read or edit what we write there).");
    }
    Set<PosixFilePermission> shared = EnumSet.copyOf(p.permissions());
    shared.retainAll(SHARED_WRITE);
    if (!shared.isEmpty()) {
      throw new UntrustedFileException(what + " " + file + " is writable by group or others (mode "
          + PosixFilePermissions.toString(p.permissions()) + "); it is not used. Make it private (chmod 600 " + file
          + ") or remove it.");
    }
    return a.fileKey();
  }

  /** The numeric user id of this process: the owner of {@code /proc/self}. */
  private static Object processUid() throws IOException {
    return Files.getAttribute(Paths.get("/proc/self"), "unix:uid");
  }

  /**
   * Reads a small file of ours found in a shared place (a key): checked as by {@link #openOwned}, and refused when
   * larger than {@code maxBytes}, so a huge or endless file cannot exhaust the heap.
   */
  public static byte[] readOwned(Path file, String what, int maxBytes) throws IOException {
    requireOwned(file, what);
    return readSmall(file, what, maxBytes, LinkOption.NOFOLLOW_LINKS);
  }

  /**
   * Reads a small file an operator named (it may be a link: secrets mounted by Kubernetes are); refused when it is
   * not a regular file or larger than {@code maxBytes}.
   */
  public static byte[] readSmall(Path file, String what, int maxBytes, OpenOption... options) throws IOException {
    Set<OpenOption> opts = new HashSet<>(Arrays.asList(options));
    opts.add(StandardOpenOption.READ);
    if (!Files.isRegularFile(file)) {
      throw new UntrustedFileException(what + " " + file + " is not a regular file; it is not read.");
    }
    try (FileChannel ch = FileChannel.open(file, opts)) {
      byte[] b = readUpTo(ch, 0, maxBytes + 1);
      if (b.length > maxBytes) {
        throw new IOException(what + " " + file + " is larger than " + maxBytes + " bytes; it is not read");
      }
      return b;
    }
  }

  /** Reads up to {@code maxBytes} from {@code position}: fewer at the end of the file. */
  public static byte[] readUpTo(FileChannel ch, long position, int maxBytes) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(maxBytes);
    long pos = position;
    int n;
    while (buf.hasRemaining() && (n = ch.read(buf, pos)) > 0) {
      pos += n;
    }
    return Arrays.copyOf(buf.array(), buf.position());
  }

  /**
   * The user's private state directory, {@code $XDG_STATE_HOME/support-packet}, else
   * {@code ~/.local/state/support-packet}, created with mode 0700 and refused (empty) when it is a link, another
   * user's or writable by others, or when the user has no writable home (service users often have none).
   */
  public static Optional<Path> stateDirectory() {
    try {
      String xdg = System.getenv("XDG_STATE_HOME");
      Path base;
      if (xdg != null && xdg.startsWith("/")) {
        base = Paths.get(xdg);
      } else {
        String home = System.getProperty("user.home", "");
        if (!home.startsWith("/") || !Files.isDirectory(Paths.get(home)) || !Files.isWritable(Paths.get(home))) {
          return Optional.empty();
        }
        base = Paths.get(home, ".local", "state");
      }
      Path dir = createDirectories(base.resolve("support-packet"));
      requireOwnedDirectory(dir);
      return Optional.of(dir);
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static void requireOwnedDirectory(Path dir) throws IOException {
    BasicFileAttributes a = Files.readAttributes(dir, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (!a.isDirectory()) {
      throw new UntrustedFileException(dir + " is not a directory");
    }
    if (POSIX) {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
      perms.retainAll(SHARED_WRITE);
      if (!Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS).equals(processUid()) || !perms.isEmpty()) {
        throw new UntrustedFileException(dir + " is not private to " + System.getProperty("user.name"));
      }
    }
  }

  /**
   * Removes the temporary files and directories of packets whose JVM is gone (on this host), owned by this process's
   * user, from {@code dir}. Never throws.
   *
   * @return one line per thing removed, saying what it was
   */
  public static List<String> removeLeftovers(Path dir) {
    List<String> removed = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, TEMP_PREFIX + "*")) {
      for (Path p : s) {
        Optional<Long> pid = leftoverPid(p.getFileName().toString());
        if (pid.isEmpty() || ProcessHandle.of(pid.get()).map(ProcessHandle::isAlive).orElse(false)
            || !ownedByUs(p)) {
          continue;
        }
        removed.add(describeLeftover(p, pid.get()));
        deleteTree(p);
      }
    } catch (IOException | RuntimeException e) {
      removed.add("could not look for leftovers in " + dir + ": " + e.getMessage());
    }
    return removed;
  }

  private static boolean ownedByUs(Path p) {
    try {
      return !Files.isSymbolicLink(p)
          && (!POSIX || Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS).equals(processUid()));
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static String describeLeftover(Path p, long pid) {
    String kind = Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? "work directory" : "partial packet";
    StringBuilder sb = new StringBuilder("removed the " + kind + " " + p.getFileName() + " of pid " + pid
        + " (no longer running)");
    if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
      try (Stream<Path> s = Files.list(p)) {
        s.filter(f -> f.getFileName().toString().endsWith(".hprof")).forEach(f -> sb.append("; it held a raw,"
            + " unscrubbed heap dump ").append(f.getFileName()).append(" (").append(sizeMb(f)).append(" MB)"));
      } catch (IOException | RuntimeException e) {
        // described without its content
      }
    }
    return sb.toString();
  }

  private static long sizeMb(Path f) {
    try {
      return (Files.size(f) + 512 * 1024) / (1024 * 1024);
    } catch (IOException e) {
      return 0;
    }
  }

  public static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException | RuntimeException ignored) {
      // best effort: the caller is already cleaning up after a failure
    }
  }

  /** Deletes a directory and everything below it, never following a link. Never throws. */
  public static void deleteTree(Path dir) {
    if (dir == null || !Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(PrivateFiles::deleteQuietly);
    } catch (IOException | RuntimeException ignored) {
      // best effort
    }
  }

  /** A file of ours found in a shared place that is not used; the message names the file and the fix. */
  public static final class UntrustedFileException extends IOException {
    private static final long serialVersionUID = 1L;

    public UntrustedFileException(String message) {
      super(message);
    }
  }
}
