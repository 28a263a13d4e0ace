package dev.supportpacket.agent.collect.logs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Turns the file name patterns of logging frameworks into the files that exist: Logback's and Log4j2's rolling
 * patterns ({@code logs/app-%d{yyyy-MM-dd}-%i.log.gz}, {@code $${date:yyyy-MM}/app-%i.log}) and JUL's
 * {@code FileHandler} pattern ({@code %t %h %u %g %%}).
 */
final class FilePatterns {
  /** How deep below the pattern's fixed directory a date-named directory may sit. */
  private static final int MAX_DEPTH = 4;

  private FilePatterns() {}

  /**
   * A regex for the files a Logback or Log4j2 rolling pattern produces. Dates, indexes, lookups and other
   * conversions match anything. {@code .gz} is optional either way: compression may be added to an existing
   * pattern, and a rollover renames the file before it compresses it.
   */
  static String rollingRegex(String fullPattern) {
    String pattern = fullPattern.endsWith(".gz") ? fullPattern.substring(0, fullPattern.length() - 3) : fullPattern;
    StringBuilder re = new StringBuilder();
    int i = 0;
    StringBuilder literal = new StringBuilder();
    while (i < pattern.length()) {
      char c = pattern.charAt(i);
      if (c == '%' && i + 1 < pattern.length() && pattern.charAt(i + 1) == '%') {
        literal.append('%');
        i += 2;
      } else if (c == '%' || c == '$' && i + 1 < pattern.length() && (pattern.charAt(i + 1) == '{'
          || pattern.charAt(i + 1) == '$')) {
        flush(literal, re);
        int j = i + 1;
        while (j < pattern.length() && pattern.charAt(j) == '$') {
          j++;
        }
        String word = "";
        int w = j;
        while (w < pattern.length() && Character.isLetter(pattern.charAt(w))) {
          w++;
        }
        word = pattern.substring(j, w);
        j = w;
        if (j < pattern.length() && pattern.charAt(j) == '{') {
          int depth = 0;
          for (; j < pattern.length(); j++) {
            if (pattern.charAt(j) == '{') {
              depth++;
            } else if (pattern.charAt(j) == '}' && --depth == 0) {
              j++;
              break;
            }
          }
        }
        re.append(c == '%' && word.equals("i") ? "\\d+" : ".+?");
        i = j;
      } else {
        literal.append(c);
        i++;
      }
    }
    flush(literal, re);
    return re.append("(?:\\.gz)?").toString();
  }

  /**
   * A regex for the files of a JUL FileHandler pattern, with group {@code g} the generation (0 is the file being
   * written). Like FileHandler, a pattern without {@code %g} gets {@code .N} appended when it rotates, and one
   * without {@code %u} gets {@code .N} for a second process.
   */
  static String julRegex(String pattern, String tmpDir, String userHome) {
    StringBuilder re = new StringBuilder();
    StringBuilder literal = new StringBuilder();
    boolean sawG = false;
    boolean sawU = false;
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '%' && i + 1 < pattern.length()) {
        char k = pattern.charAt(++i);
        switch (k) {
          case 't':
            literal.append(tmpDir);
            break;
          case 'h':
            literal.append(userHome);
            break;
          case '%':
            literal.append('%');
            break;
          case 'g':
            flush(literal, re);
            re.append(sawG ? "\\d+" : "(?<g>\\d+)");
            sawG = true;
            break;
          case 'u':
            flush(literal, re);
            re.append("\\d+");
            sawU = true;
            break;
          default:
            literal.append('%').append(k);
        }
      } else {
        literal.append(c);
      }
    }
    flush(literal, re);
    if (!sawG) {
      re.append("(?:\\.(?<g>\\d+))?");
    }
    if (!sawU) {
      re.append("(?:\\.\\d+)?");
    }
    return re.toString();
  }

  /** JUL's {@code %t} and {@code %h} replaced by their directories; the other conversions stay. */
  static String expandJulDirs(String pattern, String tmpDir, String userHome) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '%' && i + 1 < pattern.length()) {
        char k = pattern.charAt(++i);
        sb.append(k == 't' ? tmpDir : k == 'h' ? userHome : "%" + k);
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /**
   * The existing regular files of a pattern: the deepest directory of {@code pattern} without a conversion is
   * listed (to {@value #MAX_DEPTH} levels) and each file's path below it must match what {@code toRegex} makes of
   * the rest of the pattern. Relative patterns are resolved against {@code cwd}, as the frameworks do.
   */
  static List<Path> matching(String pattern, java.util.function.UnaryOperator<String> toRegex, Path cwd)
      throws IOException {
    Pattern p = compile(pattern, toRegex, cwd);
    Path base = baseDir(pattern, cwd);
    List<Path> out = new ArrayList<>();
    if (!Files.isDirectory(base)) {
      return out;
    }
    // As deep as the pattern reaches below its fixed directory (a date may name directories), never a whole tree.
    String rest = pattern.substring(fixedDirLength(pattern));
    int depth = Math.min(MAX_DEPTH, 1 + (int) rest.chars().filter(c -> c == '/').count());
    try (Stream<Path> s = Files.find(base, depth, (f, a) -> a.isRegularFile())) {
      s.filter(f -> p.matcher(f.toString()).matches()).forEach(out::add);
    }
    out.sort(null);
    return out;
  }

  /** The whole-path regex of a pattern: its fixed directory quoted, the rest converted by {@code toRegex}. */
  static Pattern compile(String pattern, java.util.function.UnaryOperator<String> toRegex, Path cwd) {
    String rest = pattern.substring(fixedDirLength(pattern));
    return Pattern.compile(Pattern.quote(baseDir(pattern, cwd).toString() + "/") + toRegex.apply(rest));
  }

  private static Path baseDir(String pattern, Path cwd) {
    return cwd.resolve(pattern.substring(0, fixedDirLength(pattern))).toAbsolutePath().normalize();
  }

  /** Length of the leading directories ({@code logs/}) that hold no conversion. */
  private static int fixedDirLength(String pattern) {
    int first = pattern.length();
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '%' || c == '$' && i + 1 < pattern.length() && pattern.charAt(i + 1) == '{') {
        first = i;
        break;
      }
    }
    return pattern.substring(0, first).lastIndexOf('/') + 1;
  }

  /** The generation of a file matched by a {@link #julRegex}, or 0 when the pattern has none. */
  static int julGeneration(Matcher m) {
    String g = m.group("g");
    return g == null ? 0 : Integer.parseInt(g);
  }

  private static void flush(StringBuilder literal, StringBuilder re) {
    if (literal.length() > 0) {
      re.append(Pattern.quote(literal.toString()));
      literal.setLength(0);
    }
  }
}
