package dev.supportpacket.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.supportpacket.it.apps.CpuBurnerApp;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The agent runs inside someone else's application: nothing of ours may be visible outside our own package. agent.jar
 * holds only what premain needs; the rest of the agent, with its relocated libraries, is a jar stored inside it that
 * the agent's own class loader reads, apart from the application's class path.
 */
class AgentJarIT {
  private static final String NESTED = "dev/supportpacket/agent/boot/agent-impl.jar";
  private static final Pattern OUR_CLASS_NAME = Pattern.compile("dev/supportpacket/[\\w/$]+");

  @Test
  void agentJarHoldsOnlyPremainsFewClassesAndTheStoredAgent() throws Exception {
    try (JarFile jar = new JarFile(agentJar().toFile())) {
      List<String> strays = jar.stream().map(ZipEntry::getName)
          .filter(n -> !n.startsWith("dev/supportpacket/agent/") && !n.equals("META-INF/MANIFEST.MF")
              && !n.endsWith("/"))
          .collect(Collectors.toList());
      assertEquals(List.of(), strays, "entries outside dev/supportpacket/agent/ would clash with the application");
      long classes = jar.stream().filter(e -> e.getName().endsWith(".class")).count();
      assertTrue(classes < 40, "the JVM opens agent.jar at the application's start: keep it small, not " + classes);
      ZipEntry nested = jar.getEntry(NESTED);
      assertNotNull(nested, NESTED);
      assertEquals(ZipEntry.STORED, nested.getMethod(), "the agent class loader reads the nested jar in place");
      assertEquals("dev.supportpacket.agent.AgentMain", jar.getManifest().getMainAttributes().getValue("Agent-Class"));
      assertEquals("dev.supportpacket.agent.AgentMain", jar.getManifest().getMainAttributes().getValue("Premain-Class"));
    }
  }

  @Test
  void nestedAgentHoldsNothingOutsideItsOwnPackage() throws Exception {
    List<String> names = new ArrayList<>(nestedEntries().keySet());
    List<String> strays = names.stream()
        .filter(n -> !n.startsWith("dev/supportpacket/") && !n.startsWith("META-INF/"))
        .collect(Collectors.toList());
    assertEquals(List.of(), strays, "classes or resources outside dev/supportpacket/");
    assertTrue(names.contains("dev/supportpacket/agent/PacketService.class"), "the packet code is in the nested jar");
    List<String> services = names.stream().filter(n -> n.startsWith("META-INF/services/")).collect(Collectors.toList());
    assertEquals(List.of(), services, "a service file would be picked up by a ServiceLoader");
  }

  /**
   * Relocation must reach inside the classes too: a class reference to {@code com/fasterxml/…} left in our bytecode
   * would link to the application's Jackson (2.9, say) instead of ours. Internal names only: dotted strings such as
   * Jackson's own "com.fasterxml." prefix check or an error message load nothing.
   */
  @Test
  void agentClassesReferenceNoUnrelocatedDependency() throws Exception {
    List<String> prefixes = List.of("com/fasterxml/", "org/yaml/snakeyaml/", "org/apache/commons/");
    List<String> offenders = new ArrayList<>();
    Map<String, String> all = new LinkedHashMap<>(nestedClasses());
    all.putAll(premainClasses());
    all.forEach((name, bytes) -> prefixes.stream().filter(bytes::contains)
        .forEach(prefix -> offenders.add(name + " -> " + prefix)));
    assertEquals(List.of(), offenders, "classes that would link to the application's copy of a dependency");
  }

  /**
   * A premain class that names a class found only in the nested jar would fail with NoClassDefFoundError: the
   * application's class loader sees agent.jar, not the jar inside it. Checks the assembly's list of premain classes.
   */
  @Test
  void premainClassesNeedNothingFromTheNestedJar() throws Exception {
    Map<String, String> premain = premainClasses();
    Map<String, String> nested = nestedClasses();
    List<String> missing = new ArrayList<>();
    premain.forEach((name, bytes) -> {
      Matcher m = OUR_CLASS_NAME.matcher(bytes);
      while (m.find()) {
        String used = m.group() + ".class";
        if (!premain.containsKey(used) && nested.containsKey(used)) {
          missing.add(name + " -> " + used);
        }
      }
    });
    assertEquals(List.of(), missing, "add these to src/assembly/javaagent.xml, or keep them out of premain's classes");
  }

  /**
   * After an attach has written a packet, the JVM's own view of its class loaders: the packet code and the relocated
   * libraries were defined by our loader, a child of the platform loader beside the application's; the application's
   * loader holds only the few premain classes.
   */
  @ParameterizedTest
  @EnumSource(Jdk.class)
  void packetCodeIsLoadedApartFromTheApplication(Jdk jdk, @TempDir Path dir) throws Exception {
    try (TargetJvm target = TargetJvm.start(jdk, CpuBurnerApp.class, dir)) {
      Cli.Result r = Cli.run(Long.toString(target.pid()), "--duration", "1");
      assertEquals(0, r.exit, r::toString);

      Map<String, Loader> loaders = loaders(Leftovers.jcmd(jdk, target, "VM.classloaders show-classes"));
      Loader ours = loaders.get("\"support-packet\"");
      assertNotNull(ours, loaders::toString);
      assertEquals("\"platform\"", ours.parent, "not the application's loader: it would see the application's classes");
      assertTrue(ours.classes.contains("dev.supportpacket.agent.PacketService"), ours.classes::toString);
      assertTrue(ours.classes.stream().anyMatch(c -> c.startsWith("dev.supportpacket.shaded.jackson.")),
          ours.classes::toString);
      List<String> app = loaders.get("\"app\"").classes;
      assertTrue(app.contains("dev.supportpacket.agent.AgentMain"), app::toString);
      Map<String, String> premain = premainClasses();
      assertEquals(List.of(), app.stream()
          .filter(c -> c.startsWith("dev.supportpacket.agent.") || c.startsWith("dev.supportpacket.shaded."))
          .filter(c -> !premain.containsKey(c.replace('.', '/') + ".class") && !c.startsWith("["))
          .collect(Collectors.toList()), "classes of ours in the application's loader");
    }
  }

  @Test
  void attachJarCarriesTheAgent() throws Exception {
    try (JarFile jar = new JarFile(Cli.attachJar().toFile())) {
      assertNotNull(jar.getEntry("dev/supportpacket/cli/agent.jar"));
      assertTrue(jar.getManifest().getMainAttributes().getValue("Main-Class").endsWith("Main"));
    }
  }

  private static Path agentJar() {
    return Paths.get(System.getProperty("agentJar")).toAbsolutePath().normalize();
  }

  /** The classes of agent.jar itself, by entry name, as ISO-8859-1 text to search for names. */
  private static Map<String, String> premainClasses() throws IOException {
    try (InputStream in = Files.newInputStream(agentJar())) {
      return classes(entries(in));
    }
  }

  /** The classes of the nested jar, by entry name, as ISO-8859-1 text. */
  private static Map<String, String> nestedClasses() throws IOException {
    return classes(nestedEntries());
  }

  private static Map<String, String> nestedEntries() throws IOException {
    try (JarFile jar = new JarFile(agentJar().toFile()); InputStream in = jar.getInputStream(jar.getEntry(NESTED))) {
      return entries(in);
    }
  }

  /** Every file of a zip, by name, as ISO-8859-1 text. */
  private static Map<String, String> entries(InputStream zip) throws IOException {
    Map<String, String> entries = new LinkedHashMap<>();
    ZipInputStream in = new ZipInputStream(zip);
    for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
      if (!e.isDirectory()) {
        entries.put(e.getName(), new String(in.readAllBytes(), StandardCharsets.ISO_8859_1));
      }
    }
    return entries;
  }

  private static Map<String, String> classes(Map<String, String> entries) {
    Map<String, String> classes = new LinkedHashMap<>(entries);
    classes.keySet().removeIf(n -> !n.endsWith(".class"));
    return classes;
  }

  /** A class loader in the tree {@code jcmd VM.classloaders show-classes} prints. */
  private record Loader(String parent, List<String> classes) {}

  /**
   * The loaders of that tree by name ({@code "app"}, quotes included): a header line {@code +-- "name", class} below
   * its parent's, more indented, then the loader's classes, one a line, the first after {@code Classes:}.
   */
  private static Map<String, Loader> loaders(String tree) {
    Map<String, Loader> loaders = new LinkedHashMap<>();
    List<Integer> indents = new ArrayList<>();
    List<String> names = new ArrayList<>();
    Loader current = null;
    for (String line : tree.split("\n")) {
      int header = line.indexOf("+-- ");
      if (header >= 0) {
        while (!indents.isEmpty() && indents.get(indents.size() - 1) >= header) {
          indents.remove(indents.size() - 1);
          names.remove(names.size() - 1);
        }
        String name = line.substring(header + 4).split(",")[0].trim();
        current = new Loader(names.isEmpty() ? null : names.get(names.size() - 1), new ArrayList<>());
        loaders.put(name, current);
        indents.add(header);
        names.add(name);
      } else if (current != null && (line.contains("Classes: ") || !current.classes.isEmpty())) {
        String[] words = line.trim().split("\\s+");
        String last = words[words.length - 1];
        if (last.matches("[\\w.$\\[;/]+")) { // not a count such as "(17 classes)"
          current.classes.add(last);
        }
      }
    }
    return loaders;
  }
}
