package dev.supportpacket.agent.packet;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;

/** Files and directories only their owner can read: everything the packet passes through on disk. */
public final class PrivateFiles {
  private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

  private PrivateFiles() {}

  /** Creates an empty file with mode 0600; fails if it exists. */
  public static Path createFile(Path file) throws IOException {
    return POSIX
        ? Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
        : Files.createFile(file);
  }

  /** Creates a directory with mode 0700; fails if it exists. */
  public static Path createDirectory(Path dir) throws IOException {
    return POSIX
        ? Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")))
        : Files.createDirectory(dir);
  }

  public static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException | RuntimeException ignored) {
      // best effort: the caller is already cleaning up after a failure
    }
  }

  /** Deletes a directory and everything below it. Never throws. */
  public static void deleteTree(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(PrivateFiles::deleteQuietly);
    } catch (IOException | RuntimeException ignored) {
      // best effort
    }
  }
}
