package dev.supportpacket.agent.collect.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FilePatternsTest {
  private static final UnaryOperator<String> JUL = rest -> FilePatterns.julRegex(rest, "", "");

  @Test
  void julTmpAndHomeExpandToTheirDirectories() {
    assertEquals("/var/tmp/app.log", FilePatterns.expandJulDirs("%t/app.log", "/var/tmp", "/home/u"));
    assertEquals("/home/u/java%u.log", FilePatterns.expandJulDirs("%h/java%u.log", "/var/tmp", "/home/u"));
    assertEquals("/x/100%%.log", FilePatterns.expandJulDirs("/x/100%%.log", "/t", "/h"));
  }

  @Test
  void julUniqueAndGenerationMatchNumbersAndGenerationZeroIsTheActiveFile() {
    Pattern p = Pattern.compile(FilePatterns.julRegex("app-%u-%g.log", "", ""));
    Matcher active = p.matcher("app-0-0.log");
    assertTrue(active.matches());
    assertEquals(0, FilePatterns.julGeneration(active));
    Matcher rolled = p.matcher("app-0-2.log");
    assertTrue(rolled.matches());
    assertEquals(2, FilePatterns.julGeneration(rolled));
    assertFalse(p.matcher("app-0-x.log").matches());
  }

  @Test
  void julPatternWithoutGenerationGetsTheSuffixFileHandlerAppends() {
    Pattern p = Pattern.compile(FilePatterns.julRegex("app.log", "", ""));
    assertTrue(p.matcher("app.log").matches());
    Matcher m = p.matcher("app.log.3");
    assertTrue(m.matches());
    assertEquals(3, FilePatterns.julGeneration(m));
    assertTrue(Pattern.compile(FilePatterns.julRegex("100%%.log", "", "")).matcher("100%.log").matches());
  }

  @Test
  void julFilesAreFoundRelativeToTheWorkingDirectory(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("jul"));
    Files.writeString(dir.resolve("jul/app-0.log"), "x");
    Files.writeString(dir.resolve("jul/app-1.log"), "x");
    Files.writeString(dir.resolve("jul/app-0.log.lck"), "");
    Files.writeString(dir.resolve("jul/other.log"), "x");
    assertEquals(List.of(dir.resolve("jul/app-0.log"), dir.resolve("jul/app-1.log")),
        FilePatterns.matching("jul/app-%g.log", JUL, dir));
  }

  @Test
  void rollingPatternMatchesDatesIndexesLookupsAndGzip(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("logs/2024-05"));
    Files.writeString(dir.resolve("logs/2024-05/app-05-01-2024-1.log.gz"), "x");
    Files.writeString(dir.resolve("logs/2024-05/app-05-02-2024-12.log"), "x");
    Files.writeString(dir.resolve("logs/app.log"), "x");
    assertEquals(List.of(dir.resolve("logs/2024-05/app-05-01-2024-1.log.gz"),
            dir.resolve("logs/2024-05/app-05-02-2024-12.log")),
        FilePatterns.matching("logs/$${date:yyyy-MM}/app-%d{MM-dd-yyyy}-%i.log.gz", FilePatterns::rollingRegex, dir));
    // Logback: a pattern without .gz still finds compressed files; %i is digits only.
    Files.writeString(dir.resolve("logs/spring.log.2024-05-01.0.gz"), "x");
    Files.writeString(dir.resolve("logs/spring.log.2024-05-01.x.gz"), "x");
    assertEquals(List.of(dir.resolve("logs/spring.log.2024-05-01.0.gz")),
        FilePatterns.matching(dir + "/logs/spring.log.%d{yyyy-MM-dd}.%i", FilePatterns::rollingRegex, dir));
  }
}
