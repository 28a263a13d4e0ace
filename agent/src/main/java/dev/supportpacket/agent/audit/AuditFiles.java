package dev.supportpacket.agent.audit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * How the audit's files are named on disk: a chained file, its rotated predecessors
 * ({@code <stem>-<UTC stamp><ext>}, then {@code .gz}), its lock, and the default seal key. The file target writes
 * by these names; {@code attach.jar audit verify} finds the files by them.
 */
public final class AuditFiles {
  /** The seal key's name in the user's state directory. */
  public static final String DEFAULT_KEY = "support-packet-audit.key";
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);
  /** A rotated file's stamp, and the extension after it. */
  private static final Pattern STAMPED = Pattern.compile("-\\d{8}T\\d{6}\\.\\d{3}Z(\\.[^.]+)?(\\.gz)?$");

  private AuditFiles() {}

  /** The name {@code file} takes when it is rotated {@code at} that moment (before it is gzipped). */
  static Path rotatedName(Path file, Instant at) {
    return file.resolveSibling(stem(file) + "-" + STAMP.format(at) + extension(file));
  }

  /** True for a rotated file, gzipped or not. */
  public static boolean isRotated(Path file) {
    return STAMPED.matcher(file.getFileName().toString()).find();
  }

  /** The stem of the file that {@code file} was rotated from; {@code file}'s own stem when it is not a rotated one. */
  public static String currentStem(Path file) {
    String name = file.getFileName().toString();
    Matcher m = STAMPED.matcher(name);
    return m.find() ? name.substring(0, m.start()) : stem(file);
  }

  /** The rotated files of {@code file}, oldest first (their names sort by time). */
  public static List<Path> rotatedFiles(Path file) throws IOException {
    String prefix = stem(file) + "-";
    String ext = extension(file);
    try (Stream<Path> s = Files.list(file.toAbsolutePath().getParent())) {
      return s.filter(p -> {
        String n = p.getFileName().toString();
        return n.startsWith(prefix) && (n.endsWith(ext) || n.endsWith(ext + ".gz"));
      }).sorted().collect(Collectors.toList());
    }
  }

  /** The lock a writer holds while it reads and appends {@code file}; it never moves. */
  static Path lockFile(Path file) {
    return file.resolveSibling(stem(file) + ".lock");
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
}
