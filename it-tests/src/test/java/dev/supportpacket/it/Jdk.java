package dev.supportpacket.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.stream.Stream;

/** The JDKs the targets run on: the default java (17) and the Temurin 25 JDK under /usr/lib/jvm. */
public enum Jdk {
  JDK17,
  JDK25;

  /** The JDK's home; a missing JDK fails the test rather than skipping it. */
  public Path home() {
    if (this == JDK17) {
      return Paths.get(System.getProperty("java.home"));
    }
    try (Stream<Path> s = Files.list(Paths.get("/usr/lib/jvm"))) {
      return s.filter(p -> p.getFileName().toString().matches("temurin-25.*"))
          .findFirst()
          .orElseThrow(() -> new IllegalStateException("no Temurin 25 JDK under /usr/lib/jvm"));
    } catch (IOException e) {
      throw new IllegalStateException("cannot list /usr/lib/jvm", e);
    }
  }

  public Path tool(String name) {
    return home().resolve("bin").resolve(name);
  }
}
