package dev.supportpacket.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The agent runs inside someone else's application: nothing of ours may be visible outside our own package. */
class AgentJarIT {

  @Test
  void agentJarHoldsNothingOutsideItsOwnPackage() throws Exception {
    Path agent = Paths.get(System.getProperty("agentJar")).toAbsolutePath().normalize();
    try (JarFile jar = new JarFile(agent.toFile())) {
      List<String> strays = jar.stream().map(e -> e.getName())
          .filter(n -> !n.startsWith("dev/supportpacket/") && !n.startsWith("META-INF/") && !n.equals("dev/"))
          .collect(Collectors.toList());
      assertEquals(List.of(), strays, "classes or resources outside dev/supportpacket/ would clash with the application");
      List<String> services = jar.stream().map(e -> e.getName()).filter(n -> n.startsWith("META-INF/services/"))
          .collect(Collectors.toList());
      assertEquals(List.of(), services, "a service file would be picked up by the application's ServiceLoader");
      assertEquals("dev.supportpacket.agent.AgentMain", jar.getManifest().getMainAttributes().getValue("Agent-Class"));
      assertEquals("dev.supportpacket.agent.AgentMain", jar.getManifest().getMainAttributes().getValue("Premain-Class"));
    }
  }

  /**
   * Relocation must reach inside the classes too: a class reference to {@code com/fasterxml/…} left in our bytecode
   * would link to the application's Jackson (2.9, say) instead of ours. Internal names only: dotted strings such as
   * Jackson's own "com.fasterxml." prefix check or an error message load nothing.
   */
  @Test
  void agentClassesReferenceNoUnrelocatedDependency() throws Exception {
    Path agent = Paths.get(System.getProperty("agentJar")).toAbsolutePath().normalize();
    List<String> prefixes = List.of("com/fasterxml/", "org/yaml/snakeyaml/", "org/apache/commons/");
    List<String> offenders = new java.util.ArrayList<>();
    try (JarFile jar = new JarFile(agent.toFile())) {
      for (java.util.jar.JarEntry e : java.util.Collections.list(jar.entries())) {
        if (!e.getName().endsWith(".class")) {
          continue;
        }
        String bytes;
        try (java.io.InputStream in = jar.getInputStream(e)) {
          bytes = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
        }
        for (String prefix : prefixes) {
          if (bytes.contains(prefix)) {
            offenders.add(e.getName() + " -> " + prefix);
          }
        }
      }
    }
    assertEquals(List.of(), offenders, "classes that would link to the application's copy of a dependency");
  }

  @Test
  void attachJarCarriesTheAgent() throws Exception {
    try (JarFile jar = new JarFile(Cli.attachJar().toFile())) {
      assertNotNull(jar.getEntry("dev/supportpacket/cli/agent.jar"));
      assertTrue(jar.getManifest().getMainAttributes().getValue("Main-Class").endsWith("Main"));
    }
  }
}
