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

  @Test
  void attachJarCarriesTheAgent() throws Exception {
    try (JarFile jar = new JarFile(Cli.attachJar().toFile())) {
      assertNotNull(jar.getEntry("dev/supportpacket/cli/agent.jar"));
      assertTrue(jar.getManifest().getMainAttributes().getValue("Main-Class").endsWith("Main"));
    }
  }
}
