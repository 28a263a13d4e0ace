package dev.supportpacket.agent.collect.logs;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A log file found in the process: the one being written, or one rolled over. A log deleted while the process holds
 * it open is read through that descriptor ({@code /proc/self/fd/N}) and shown by the name it had. Immutable.
 */
final class LogFile {
  enum Role {
    ACTIVE, ROLLED
  }

  /** Where the content is read. */
  final Path path;
  /** The name the file goes by: {@link #path}, or the name a deleted file had. */
  final Path shownAs;
  final Role role;
  final List<String> foundBy;

  LogFile(Path path, Role role, String foundBy) {
    this(path, path, role, List.of(foundBy));
  }

  private LogFile(Path path, Path shownAs, Role role, List<String> foundBy) {
    this.path = path;
    this.shownAs = shownAs;
    this.role = role;
    this.foundBy = List.copyOf(foundBy);
  }

  /** A file deleted while open: read through the process's descriptor {@code fd}, shown as {@code formerName}. */
  static LogFile deleted(Path fd, Path formerName, String foundBy) {
    return new LogFile(fd, formerName, Role.ACTIVE, List.of(foundBy));
  }

  boolean deleted() {
    return !path.equals(shownAs);
  }

  LogFile alsoFoundBy(Role r, String how) {
    List<String> all = new ArrayList<>(foundBy);
    if (!all.contains(how)) {
      all.add(how);
    }
    return new LogFile(path, shownAs, role == Role.ACTIVE || r == Role.ACTIVE ? Role.ACTIVE : Role.ROLLED, all);
  }

  boolean gzip() {
    return shownAs.getFileName().toString().endsWith(".gz");
  }
}
