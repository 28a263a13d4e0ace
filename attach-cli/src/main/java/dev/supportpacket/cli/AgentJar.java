package dev.supportpacket.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.jar.JarEntry;
import java.util.zip.CRC32;

/**
 * The agent jar that travels inside attach.jar, put where the target JVM can load it: into a directory {@link
 * TargetFiles} made (a jar planted under a guessable name in a shared /tmp would run inside the target), named by the
 * nested entry's CRC and size so that the usual case reuses it without inflating 5 MB. The file is kept: the
 * target's class loader reads it after the attach, and a second attach finds the same path. Copies of other
 * versions are removed once no process holds them open, when a new copy is placed: only then can one have become
 * stale, and the look at every process's open files that this takes (a scan of /proc/pid/fd, tens of ms on a busy
 * host) stays off the usual packet's clock. A copy still open at that moment stays until the next version's.
 */
final class AgentJar {
  private static final String RESOURCE = "agent.jar";
  /** How long a copy counts as in use after it was placed or reused, whoever holds it open. */
  private static final Duration IN_USE = Duration.ofMinutes(10);
  private static final Duration BOOT_TIME_SLACK = Duration.ofMinutes(1);
  private static final Pattern COPY = Pattern.compile("agent-[0-9a-f]{8}-\\d+(-\\d+)?\\.jar");

  /** Makes a file we wrote the target's (owner, mode); called before the file gets its final name. */
  interface Handover {
    void give(Path file, Set<PosixFilePermission> mode) throws IOException;
  }

  private AgentJar() {}

  /**
   * @param dir a directory of ours ({@link TargetFiles})
   * @param suffix added to the name, e.g. the target's uid when the copy is handed to it
   * @return the copy as this process reaches it
   */
  static Path extract(Path dir, String suffix, Handover handover) throws CliFailure {
    URL url = AgentJar.class.getResource(RESOURCE);
    if (url == null) {
      throw new CliFailure(ExitCode.AGENT_FAILED, "this attach.jar was built without its agent; rebuild with mvn package");
    }
    try {
      JarEntry entry = entryOf(url);
      Path copy;
      if (entry != null && entry.getCrc() >= 0 && entry.getSize() >= 0
          && intact(copy = dir.resolve(name(entry.getCrc(), entry.getSize(), suffix)), entry.getCrc(), entry.getSize())) {
        markInUse(copy);
        return copy;
      }
      byte[] jar;
      try (InputStream in = url.openStream()) {
        jar = in.readAllBytes();
      }
      copy = dir.resolve(name(crc(jar), jar.length, suffix));
      if (!intact(copy, crc(jar), jar.length)) {
        Path tmp = Files.createTempFile(dir, "agent-", ".tmp");
        Files.write(tmp, jar);
        handover.give(tmp, PosixFilePermissions.fromString("r--------"));
        Files.move(tmp, copy, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        removeStale(dir, copy);
      }
      return copy;
    } catch (IOException e) {
      throw new CliFailure(ExitCode.AGENT_FAILED, "cannot put the agent in " + dir + ": " + e.getMessage()
          + "; set another temporary directory with -Djava.io.tmpdir=DIR");
    }
  }

  /**
   * Removes the copies of other versions and the leftovers of an interrupted copy, except those a process holds
   * open (a JVM that loaded an agent reads its jar for as long as it runs) and those used in the last ten minutes:
   * another version's CLI may have just placed or reused its copy, which its target has not opened yet.
   */
  private static void removeStale(Path dir, Path current) {
    Set<String> open = openFileNames();
    try (Stream<Path> files = Files.list(dir)) {
      files.filter(f -> !f.equals(current))
          .filter(f -> COPY.matcher(f.getFileName().toString()).matches() && unusedFor(f, IN_USE)
              || f.getFileName().toString().matches("agent-\\d+\\.tmp") && unusedFor(f, Duration.ofMinutes(1)))
          .filter(f -> !open.contains(f.getFileName().toString()))
          .forEach(f -> {
            try {
              Files.deleteIfExists(f);
            } catch (IOException e) {
              // not ours to remove after all; the next run tries again
            }
          });
    } catch (IOException | RuntimeException e) {
      // cleaning is a courtesy; the packet does not depend on it
    }
  }

  private static boolean unusedFor(Path f, Duration d) {
    try {
      return Files.getLastModifiedTime(f, LinkOption.NOFOLLOW_LINKS).toMillis() < System.currentTimeMillis() - d.toMillis();
    } catch (IOException e) {
      return false;
    }
  }

  /** A copy reused keeps its old time; stamping it tells another version's CLI that it is about to be loaded. */
  private static void markInUse(Path copy) {
    try {
      Files.setLastModifiedTime(copy, FileTime.fromMillis(System.currentTimeMillis()));
    } catch (IOException e) {
      // a copy handed to the target's user may not be ours to stamp; the copy is still used as it is
    }
  }

  /** The names of the agent jars any process we may look at holds open (by name: the same across namespaces). */
  private static Set<String> openFileNames() {
    Set<String> names = new HashSet<>();
    try (Stream<Path> procs = Files.list(Paths.get("/proc"))) {
      procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).forEach(p -> {
        try (Stream<Path> fds = Files.list(p.resolve("fd"))) {
          fds.forEach(fd -> {
            try {
              Path target = Files.readSymbolicLink(fd).getFileName();
              if (target != null && target.toString().startsWith("agent-")) {
                names.add(target.toString());
              }
            } catch (IOException | RuntimeException e) {
              // closed meanwhile
            }
          });
        } catch (IOException | RuntimeException e) {
          // not ours to look at: a process of another user cannot hold a copy in our private directory
        }
      });
    } catch (IOException | RuntimeException e) {
      // no /proc: keep everything
      names.add("*");
    }
    return names.contains("*") ? Set.of() : names;
  }

  private static JarEntry entryOf(URL url) {
    try {
      URLConnection c = url.openConnection();
      return c instanceof JarURLConnection ? ((JarURLConnection) c).getJarEntry() : null;
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * The copy holds the bytes its name says. Read back and summed (5 MB, tens of ms on the clock of a packet) only when
   * it was written or last checked before the machine booted: a file written since reads back from the page cache
   * exactly as written, while a crash can leave one of the right size holding blocks never flushed. {@link
   * #markInUse} stamps it after each check.
   */
  private static boolean intact(Path file, long crc, long size) throws IOException {
    return Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) && Files.size(file) == size
        && (writtenSinceBoot(file) || crc(Files.readAllBytes(file)) == crc);
  }

  /** False when unknown (no /proc/stat): the copy is then checked. */
  private static boolean writtenSinceBoot(Path file) throws IOException {
    long bootMillis = -1;
    try {
      for (String line : Files.readAllLines(Paths.get("/proc/stat"), StandardCharsets.US_ASCII)) {
        if (line.startsWith("btime ")) {
          bootMillis = Long.parseLong(line.substring("btime ".length()).trim()) * 1000;
        }
      }
    } catch (IOException | RuntimeException e) {
      return false;
    }
    // The kernel derives btime from the clock and the uptime, so it moves by a second or so when the clock is set.
    return bootMillis > 0 && Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS).toMillis()
        > bootMillis + BOOT_TIME_SLACK.toMillis();
  }

  /**
   * {@code agent-<crc as 8 hex digits>-<size><suffix>.jar}. Not String.format: its first use loads the locale data,
   * 20-40 ms of a cold JVM on the clock of every packet.
   */
  static String name(long crc, long size, String suffix) {
    String hex = Long.toHexString(crc);
    return "agent-" + "00000000".substring(Math.min(8, hex.length())) + hex + "-" + size + suffix + ".jar";
  }

  private static long crc(byte[] b) {
    CRC32 c = new CRC32();
    c.update(b);
    return c.getValue();
  }
}
