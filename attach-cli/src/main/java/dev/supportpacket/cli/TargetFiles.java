package dev.supportpacket.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Every file the CLI puts where a target JVM reads or writes it (agent jar, status file, rules, site key, a staging
 * directory for the packet, a hand-over directory for its raw recordings and the entries derived from them), and the
 * only place that creates them: a security reviewer reads this class alone.
 *
 * <p>Two cases. The usual one, a JVM of this user in our mount namespace: a directory of this user, mode 0700, in
 * java.io.tmpdir. A foreign one, a JVM in another mount namespace (a container) or of another user (we are root): a
 * directory of ours in the target's own /tmp, reached through /proc/pid/root, mode 0711 so that the target may
 * open the files we name but list and change nothing; each file in it created exclusively by us, then given to the
 * target's uid/gid with no wider permissions. The target's user owns its files but cannot rename or replace them
 * (the directory is ours, /tmp is sticky), so nothing we read back or write again can have been swapped for a link
 * into the host's file system.
 */
final class TargetFiles {
  private static final Set<PosixFilePermission> PRIVATE_DIR = PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> FOREIGN_DIR = PosixFilePermissions.fromString("rwx--x--x");
  private static final Set<PosixFilePermission> OWNER_RW = PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> OWNER_R = PosixFilePermissions.fromString("r--------");

  private final TargetProcess target;
  private final boolean foreign;
  private final long uid;
  private final long gid;
  /** The directory as this process reaches it. */
  private final Path dir;
  /** Copies of our files made for this request ({@link #copyIn}), removed by {@link #removeCopies}. */
  private final List<Path> copies = new ArrayList<>();

  private TargetFiles(TargetProcess target, boolean foreign, long uid, long gid, Path dir) {
    this.target = target;
    this.foreign = foreign;
    this.uid = uid;
    this.gid = gid;
    this.dir = dir;
  }

  /** @throws CliFailure when no safe directory can be made; the message names the fix */
  static TargetFiles of(TargetProcess target) throws CliFailure {
    boolean linux = Files.isDirectory(Paths.get("/proc/self"));
    long uid = linux ? target.uid() : -1;
    long gid = linux ? target.gid() : -1;
    boolean foreign = linux && (!target.sameMountNamespace() || uid != selfUid());
    Path base = foreign ? target.hostPath(Paths.get("/tmp")) : Paths.get(System.getProperty("java.io.tmpdir"));
    Path dir = base.resolve("support-packet-" + System.getProperty("user.name"));
    try {
      Path own = ownDirectory(dir, foreign ? FOREIGN_DIR : PRIVATE_DIR);
      TargetFiles files = new TargetFiles(target, foreign, uid, gid, own);
      files.removeLeftovers();
      return files;
    } catch (IOException e) {
      throw new CliFailure(ExitCode.AGENT_FAILED, "cannot make a private directory for the agent in " + base + ": "
          + e.getMessage() + (foreign ? "; the target's /tmp must be writable by root"
              : "; set another temporary directory with -Djava.io.tmpdir=DIR"));
    }
  }

  /**
   * Status files and staging directories of runs that never finished (a killed CLI) are removed a day later: the
   * directory is ours, and no run of ours lasts that long.
   */
  private void removeLeftovers() {
    long dayAgo = System.currentTimeMillis() - TimeUnit.DAYS.toMillis(1);
    try (Stream<Path> all = Files.list(dir)) {
      all.filter(p -> p.getFileName().toString().matches("(status-.*\\.txt|out-.*|handoff-.*|rules-.*|site-key-.*)"))
          .filter(p -> {
            try {
              return Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toMillis() < dayAgo;
            } catch (IOException e) {
              return false;
            }
          })
          .forEach(TargetFiles::removeTree);
    } catch (IOException | RuntimeException e) {
      // cleaning is a courtesy; the packet does not depend on it
    }
  }

  /** True when the target is in another mount namespace or of another user than this process. */
  boolean foreign() {
    return foreign;
  }

  /** The agent jar, put there once per version (and per target user), as the target names it. */
  Path agentJar() throws CliFailure {
    String suffix = foreign ? "-" + uid : "";
    return inTarget(AgentJar.extract(dir, suffix, this::giveToTarget));
  }

  /** A new empty status file the agent may append to; as this process reaches it. */
  Path newStatusFile() throws IOException {
    Path f = createNew("status-", ".txt", false);
    giveToTarget(f, OWNER_RW);
    return f;
  }

  /**
   * A new file (0600) or directory (0700) of this user's only, named by this process, the target and the time, not by
   * a random number as {@link Files#createTempFile} names them: that seeds a SecureRandom on its first use, 20-60 ms
   * measured, on the clock of every packet before its profile starts. The name need not be unguessable: no one but
   * this user can create a file in our directory to take it first, and it is created exclusively all the same.
   */
  private Path createNew(String prefix, String suffix, boolean directory) throws IOException {
    for (int attempt = 0; ; attempt++) {
      Path f = dir.resolve(prefix + ProcessHandle.current().pid() + "-" + target.pid + "-"
          + Long.toHexString(System.nanoTime()) + suffix);
      try {
        if (!posix()) {
          return directory ? Files.createDirectory(f) : Files.createFile(f);
        }
        return directory ? Files.createDirectory(f, PosixFilePermissions.asFileAttribute(PRIVATE_DIR))
            : Files.createFile(f, PosixFilePermissions.asFileAttribute(OWNER_RW));
      } catch (FileAlreadyExistsException e) {
        if (attempt == 2) {
          throw e;
        }
      }
    }
  }

  /** A copy of one of our files (rules, site key) that the target may read; as the target names it. */
  Path copyIn(Path file, String name) throws CliFailure {
    if (file == null || !foreign) {
      return file;
    }
    try {
      Path copy = Files.createTempFile(dir, name + "-", ".tmp");
      try (InputStream in = Files.newInputStream(file)) {
        Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
      }
      copies.add(copy);
      giveToTarget(copy, OWNER_R);
      return inTarget(copy);
    } catch (IOException e) {
      throw new CliFailure(ExitCode.AGENT_FAILED, "cannot copy " + file + " for pid " + target.pid + " into " + dir
          + ": " + e.getMessage());
    }
  }

  /** Removes the copies of rules and site key: the target's user can read them, so they stay no longer than needed. */
  void removeCopies() {
    for (Path copy : copies) {
      removeTree(copy);
    }
    copies.clear();
  }

  /** A new directory the agent may write one packet into, to be moved out by {@link #moveOut}. */
  Path newStagingDirectory() throws CliFailure {
    return newTargetDirectory("out-", ExitCode.OUTPUT_PROBLEM, "the packet");
  }

  /**
   * A new directory the agent may dump its raw recordings into, for this process to read back and rewrite (see
   * {@link RecordingWorker}); as this process reaches it.
   */
  Path newHandoffDirectory() throws CliFailure {
    return newTargetDirectory("handoff-", ExitCode.AGENT_FAILED, "the raw recordings");
  }

  /** Given to the target's user, mode 0700: what the agent writes there holds what the JVM holds. */
  private Path newTargetDirectory(String prefix, ExitCode failure, String what) throws CliFailure {
    try {
      Path d = createNew(prefix, "", true);
      giveToTarget(d, PRIVATE_DIR);
      return d;
    } catch (IOException e) {
      throw new CliFailure(failure, "cannot make a directory for " + what + " in " + dir + ": " + e.getMessage());
    }
  }

  /**
   * Reads a file the target wrote into a directory of ours that it owns (a hand-over directory): only a regular
   * file named directly in it, never through a link the target's user may have put there, at most {@code maxBytes}.
   */
  static InputStream openTheirs(Path ourDir, String name) throws IOException {
    Path f = ourDir.resolve(plainName(name));
    if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException(name + " is not a regular file in " + ourDir);
    }
    return Files.newInputStream(f, LinkOption.NOFOLLOW_LINKS);
  }

  /**
   * Writes a new file into a directory the target owns (a hand-over directory), for the target to read: created
   * exclusively (a file or link of that name already there is refused, never followed or replaced), then given to the
   * target's user, read-only.
   */
  void writeForTarget(Path ourDir, String name, byte[] content) throws IOException {
    Path f = ourDir.resolve(plainName(name));
    Files.write(f, content, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
    giveToTarget(f, OWNER_R);
  }

  /**
   * {@code name} when it names a file directly in a directory (letters, digits, {@code . _ -}; not {@code .} or
   * {@code ..}), as a name the target sent must.
   */
  static String plainName(String name) throws IOException {
    if (!name.matches("[A-Za-z0-9._-]{1,200}") || name.equals(".") || name.equals("..")) {
      throw new IOException("not a plain file name (" + name.length() + " characters)");
    }
    return name;
  }

  /**
   * Moves the packet the agent wrote into {@code staging} to {@code toDir}, then removes the staging directory. The
   * packet's name is the one the agent reported, but only a regular file directly inside the staging directory is
   * taken: the target's user owns that directory and could have put a link there.
   */
  Path moveOut(Path staging, String packetName, Path toDir) throws CliFailure {
    Path from = staging.resolve(Paths.get(packetName).getFileName().toString());
    Path to = toDir.resolve(from.getFileName().toString());
    try {
      if (!Files.isRegularFile(from, LinkOption.NOFOLLOW_LINKS)) {
        throw new IOException(from + " is not a regular file");
      }
      // Created private: a packet is for the operator until it is sent.
      Files.createFile(to, PosixFilePermissions.asFileAttribute(OWNER_RW));
      try (InputStream in = Files.newInputStream(from, LinkOption.NOFOLLOW_LINKS)) {
        Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
      }
      return to;
    } catch (IOException e) {
      throw new CliFailure(ExitCode.OUTPUT_PROBLEM, "cannot copy the packet of pid " + target.pid + " to " + toDir + ": "
          + e.getMessage());
    } finally {
      remove(staging);
    }
  }

  /** Deletes a directory we made and what the target put in it; never follows a link out of it. */
  void remove(Path ours) {
    removeTree(ours);
  }

  static void removeTree(Path ours) {
    // Without streams or lambdas: at a packet's end their first use in this JVM took 16-22 ms (their classes
    // loaded and linked) of the clock after the recording's stop.
    if (Files.isDirectory(ours, LinkOption.NOFOLLOW_LINKS)) {
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(ours)) {
        for (Path p : entries) {
          removeTree(p);
        }
      } catch (IOException e) {
        // already gone, or unreadable: the delete below says nothing either
      }
    }
    try {
      Files.deleteIfExists(ours);
    } catch (IOException e) {
      // a file the target still writes: it is in our directory, and the next run of that packet cleans it
    }
  }

  /** How the target names one of our files. */
  Path inTarget(Path ours) {
    if (target.sameMountNamespace()) {
      return ours;
    }
    return Paths.get("/").resolve(target.root().relativize(ours));
  }

  private void giveToTarget(Path file, Set<PosixFilePermission> mode) throws IOException {
    if (!posix()) {
      return;
    }
    Files.setPosixFilePermissions(file, mode);
    if (foreign) {
      Files.setAttribute(file, "unix:uid", (int) uid, LinkOption.NOFOLLOW_LINKS);
      Files.setAttribute(file, "unix:gid", (int) gid, LinkOption.NOFOLLOW_LINKS);
    }
  }

  /** Ours, with exactly {@code mode}; made if missing. Refused if anyone else made it, or it is a link. */
  private static Path ownDirectory(Path dir, Set<PosixFilePermission> mode) throws IOException {
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      if (posix()) {
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(mode));
        // The umask may have taken bits away from the mode asked for.
        Files.setPosixFilePermissions(dir, mode);
      } else {
        Files.createDirectory(dir);
      }
    }
    if (posix()) {
      String owner = Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS).getName();
      if (!owner.equals(System.getProperty("user.name")) || !Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS).equals(mode)) {
        throw new IOException(dir + " is not a directory of this user with mode "
            + PosixFilePermissions.toString(mode) + " (someone else made it, or changed it); remove it");
      }
    }
    return dir;
  }

  private static boolean posix() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }

  static long selfUid() {
    try {
      return ((Number) Files.getAttribute(Paths.get("/proc/self"), "unix:uid")).longValue();
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
