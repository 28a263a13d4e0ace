package dev.supportpacket.it;

import dev.supportpacket.agent.InstalledJdks;
import java.nio.file.Path;
import java.nio.file.Paths;

/** The JDKs the targets run on: the default java (17) and a JDK 25 found by version (InstalledJdks). */
public enum Jdk {
  JDK17,
  JDK25;

  /** The JDK's home; a missing JDK fails the test rather than skipping it. */
  public Path home() {
    if (this == JDK17) {
      return Paths.get(System.getProperty("java.home"));
    }
    return InstalledJdks.byVersion(25);
  }

  public Path tool(String name) {
    return home().resolve("bin").resolve(name);
  }
}
