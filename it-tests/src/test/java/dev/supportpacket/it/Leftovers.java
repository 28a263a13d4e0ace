package dev.supportpacket.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Checks, with the JDK's own jcmd and /proc, that a packet left nothing behind in the target. */
final class Leftovers {
  private Leftovers() {}

  static void assertNone(Jdk jdk, TargetJvm target, Path outputDir) throws Exception {
    String threads = jcmd(jdk, target, "Thread.print");
    assertTrue(threads.contains("Full thread dump"), threads);
    assertFalse(threads.contains("\"support-packet-"), "agent threads left running:\n" + threads);
    String recordings = jcmd(jdk, target, "JFR.check");
    assertFalse(recordings.contains("support-packet"), "JFR recording left behind:\n" + recordings);
    List<String> open = openFilesUnder(target.pid(), outputDir);
    assertEquals(List.of(), open, "files left open in the output directory");
    try (Stream<Path> s = Files.list(outputDir)) {
      List<String> temp = s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".support-packet"))
          .collect(Collectors.toList());
      assertEquals(List.of(), temp, "temporary files left in " + outputDir);
    }
  }

  static String jcmd(Jdk jdk, TargetJvm target, String command) throws Exception {
    return jcmd(jdk, target.pid(), command);
  }

  static String jcmd(Jdk jdk, long pid, String command) throws Exception {
    Process p = new ProcessBuilder(jdk.tool("jcmd").toString(), Long.toString(pid), command)
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "jcmd " + command + " hung");
    return out;
  }

  private static List<String> openFilesUnder(long pid, Path dir) throws IOException {
    List<String> found = new ArrayList<>();
    Path fds = Paths.get("/proc", Long.toString(pid), "fd");
    try (Stream<Path> s = Files.list(fds)) {
      for (Path fd : (Iterable<Path>) s::iterator) {
        try {
          Path target = Files.readSymbolicLink(fd);
          if (target.startsWith(dir.toRealPath())) {
            found.add(target.toString());
          }
        } catch (IOException e) {
          // closed while we looked
        }
      }
    }
    return found;
  }
}
