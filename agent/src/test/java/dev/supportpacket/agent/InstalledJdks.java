package dev.supportpacket.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.stream.Stream;

/**
 * Finds an installed JDK by its feature version, from the {@code release} file of each JDK under /usr/lib/jvm (or
 * the directories in the {@code test.jdks} system property, separated by the path separator), so that tests do not
 * depend on one distribution's directory name.
 */
public final class InstalledJdks {
  private InstalledJdks() {}

  /** @throws IllegalStateException naming where it looked, when no JDK of that version with a jcmd is found */
  public static Path byVersion(int feature) {
    String roots = System.getProperty("test.jdks", "/usr/lib/jvm");
    for (String root : roots.split(java.io.File.pathSeparator)) {
      try (Stream<Path> homes = Files.list(Paths.get(root))) {
        for (Path home : (Iterable<Path>) homes.sorted()::iterator) {
          if (Files.isExecutable(home.resolve("bin/jcmd")) && feature(home) == feature) {
            return home;
          }
        }
      } catch (IOException e) {
        // not there: try the next root
      }
    }
    throw new IllegalStateException("no JDK " + feature + " (with jcmd) under " + roots
        + "; install one, or name its parent directory with -Dtest.jdks=DIR");
  }

  private static int feature(Path home) {
    try {
      for (String line : Files.readAllLines(home.resolve("release"))) {
        if (line.startsWith("JAVA_VERSION=\"")) {
          String v = line.substring("JAVA_VERSION=\"".length());
          return Integer.parseInt(v.split("[.\"]", 2)[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      // no release file, or not a version we can read
    }
    return -1;
  }
}
