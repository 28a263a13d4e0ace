package dev.supportpacket.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** A lower layer never imports the orchestrator or a layer that imports it back: no package of ours is in a cycle. */
class PackageCyclesTest {
  private static final Path SOURCES = Paths.get("src/main/java/dev/supportpacket/agent");
  private static final Pattern IMPORT =
      Pattern.compile("^import (?:static )?dev\\.supportpacket\\.agent\\.((?:[a-z]+\\.)*)[A-Z]", Pattern.MULTILINE);

  @Test
  void noPackageOfTheAgentIsInACycle() throws IOException {
    Map<String, Set<String>> imports = new TreeMap<>();
    try (Stream<Path> files = Files.walk(SOURCES)) {
      for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
        String pkg = SOURCES.relativize(f.getParent()).toString().replace('/', '.');
        Matcher m = IMPORT.matcher(Files.readString(f));
        while (m.find()) {
          String target = m.group(1).isEmpty() ? "" : m.group(1).substring(0, m.group(1).length() - 1);
          if (!target.equals(pkg)) {
            imports.computeIfAbsent(pkg, k -> new TreeSet<>()).add(target);
          }
        }
      }
    }
    List<String> cycles = new ArrayList<>();
    imports.forEach((pkg, targets) -> targets.stream().filter(t -> reaches(imports, t, pkg, new HashSet<>()))
        .forEach(t -> cycles.add("'" + pkg + "' -> '" + t + "'")));
    assertEquals(List.of(), cycles, "imports that are part of a cycle ('' is the root package)");
  }

  private static boolean reaches(Map<String, Set<String>> imports, String from, String to, Set<String> seen) {
    for (String next : imports.getOrDefault(from, Set.of())) {
      if (next.equals(to) || seen.add(next) && reaches(imports, next, to, seen)) {
        return true;
      }
    }
    return false;
  }
}
