package dev.supportpacket.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.zip.CRC32;

/**
 * The agent jar that travels inside attach.jar, put where the target JVM can load it. It goes into a directory only
 * this user can write (a jar planted under a guessable name in a shared /tmp would run inside the target), named by
 * the nested entry's CRC and size so that the usual case reuses it without inflating 5 MB. The file is kept: the
 * target's class loader reads it after the attach, and a second attach finds the same path.
 */
final class AgentJar {
  private static final String RESOURCE = "agent.jar";
  private static final Set<PosixFilePermission> PRIVATE_DIR = PosixFilePermissions.fromString("rwx------");

  private AgentJar() {}

  static Path extract() throws CliFailure {
    URL url = AgentJar.class.getResource(RESOURCE);
    if (url == null) {
      throw new CliFailure(ExitCode.AGENT_FAILED, "this attach.jar was built without its agent; rebuild with mvn package");
    }
    try {
      Path dir = privateDirectory();
      JarEntry entry = entryOf(url);
      if (entry != null && entry.getCrc() >= 0 && entry.getSize() >= 0) {
        Path target = dir.resolve(name(entry.getCrc(), entry.getSize()));
        if (intact(target, entry.getCrc(), entry.getSize())) {
          return target;
        }
      }
      byte[] jar;
      try (InputStream in = url.openStream()) {
        jar = in.readAllBytes();
      }
      Path target = dir.resolve(name(crc(jar), jar.length));
      if (!intact(target, crc(jar), jar.length)) {
        Path tmp = Files.createTempFile(dir, "agent-", ".tmp");
        Files.write(tmp, jar);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      }
      return target;
    } catch (IOException e) {
      throw new CliFailure(ExitCode.AGENT_FAILED, "cannot put the agent in " + System.getProperty("java.io.tmpdir")
          + ": " + e.getMessage() + "; set another temporary directory with -Djava.io.tmpdir=DIR");
    }
  }

  /** {@code <tmpdir>/support-packet-<user>}, mode 0700, owned by us; refused if anyone else could write to it. */
  private static Path privateDirectory() throws IOException {
    Path dir = Paths.get(System.getProperty("java.io.tmpdir"), "support-packet-" + System.getProperty("user.name"));
    boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      if (posix) {
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PRIVATE_DIR));
      } else {
        Files.createDirectory(dir);
      }
    }
    if (posix) {
      String owner = Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS).getName();
      if (!owner.equals(System.getProperty("user.name"))
          || !Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS).equals(PRIVATE_DIR)) {
        throw new IOException(dir + " is not a private directory of this user (owner and mode 0700 expected)");
      }
    }
    return dir;
  }

  private static JarEntry entryOf(URL url) {
    try {
      URLConnection c = url.openConnection();
      return c instanceof JarURLConnection ? ((JarURLConnection) c).getJarEntry() : null;
    } catch (IOException e) {
      return null;
    }
  }

  private static boolean intact(Path file, long crc, long size) throws IOException {
    return Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) && Files.size(file) == size
        && crc(Files.readAllBytes(file)) == crc;
  }

  private static String name(long crc, long size) {
    return String.format("agent-%08x-%d.jar", crc, size);
  }

  private static long crc(byte[] b) {
    CRC32 c = new CRC32();
    c.update(b);
    return c.getValue();
  }
}
