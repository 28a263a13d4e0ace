package dev.supportpacket.agent.collect.logs;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A log file found in the process: the one being written, or one rolled over. Immutable. */
final class LogFile {
  enum Role {
    ACTIVE, ROLLED
  }

  final Path path;
  final Role role;
  final List<String> foundBy;

  LogFile(Path path, Role role, String foundBy) {
    this(path, role, List.of(foundBy));
  }

  private LogFile(Path path, Role role, List<String> foundBy) {
    this.path = path;
    this.role = role;
    this.foundBy = List.copyOf(foundBy);
  }

  LogFile alsoFoundBy(Role r, String how) {
    List<String> all = new ArrayList<>(foundBy);
    if (!all.contains(how)) {
      all.add(how);
    }
    return new LogFile(path, role == Role.ACTIVE || r == Role.ACTIVE ? Role.ACTIVE : Role.ROLLED, all);
  }

  boolean gzip() {
    return path.getFileName().toString().endsWith(".gz");
  }
}
