package dev.supportpacket.agent.collect.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigDiscoveryTest {

  @Test
  void springBootDefaultLocationsWithProfileVariantsAreFound(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("config/extra"));
    Files.writeString(dir.resolve("application.yml"), "a: 1\n");
    Files.writeString(dir.resolve("application-prod.properties"), "a=2\n");
    Files.writeString(dir.resolve("application-dev.yml"), "a: 3\n");
    Files.writeString(dir.resolve("config/application.properties"), "a=4\n");
    Files.writeString(dir.resolve("config/extra/application.yaml"), "a: 5\n");
    Files.writeString(dir.resolve("logback.xml"), "<configuration/>\n");
    Files.writeString(dir.resolve("notes.yml"), "not: used\n");
    ConfigDiscovery d = new ConfigDiscovery(Map.of("spring.profiles.active", "prod"), Map.of(), List.of(), dir,
        List.of());
    assertEquals(List.of("application-prod.properties", "application.yml", "config/application.properties",
        "config/extra/application.yaml", "logback.xml"), names(d.discover()));
  }

  @Test
  void tomcatJettyAndWildFlyConfigIsFoundFromTheirBaseDirectories(@TempDir Path dir) throws Exception {
    Path tomcat = Files.createDirectories(dir.resolve("tomcat/conf"));
    Files.writeString(tomcat.resolve("server.xml"), "<Server port=\"8005\"/>\n");
    Files.writeString(tomcat.resolve("catalina.properties"), "a=1\n");
    Files.writeString(tomcat.resolve("logging.properties"), "handlers=x\n");
    Path jetty = Files.createDirectories(dir.resolve("jetty-base/start.d"));
    Files.writeString(jetty.resolve("http.ini"), "--module=http\njetty.http.port=8080\n");
    Files.writeString(jetty.resolve("notes.txt"), "not config\n");
    Files.createDirectories(dir.resolve("jetty-base/resources"));
    Files.writeString(dir.resolve("jetty-base/resources/jetty-logging.properties"), "a=1\n");
    Path wildfly = Files.createDirectories(dir.resolve("wildfly/standalone/configuration"));
    Files.writeString(wildfly.resolve("standalone.xml"), "<server/>\n");
    ConfigDiscovery d = new ConfigDiscovery(Map.of("catalina.base", dir.resolve("tomcat").toString(),
        "jboss.server.base.dir", dir.resolve("wildfly/standalone").toString(),
        "sun.java.command", "start.jar jetty.http.port=8080"), Map.of(), List.of(), dir.resolve("jetty-base"),
        List.of());
    List<String> names = names(d.discover());
    for (String expected : List.of("start.d/http.ini", "resources/jetty-logging.properties", "server.xml",
        "catalina.properties", "logging.properties", "standalone.xml")) {
      assertTrue(names.stream().anyMatch(n -> n.endsWith(expected)), expected + " in " + names);
    }
    assertTrue(names.stream().noneMatch(n -> n.endsWith("notes.txt")), names.toString());
  }

  @Test
  void webappsContextFilesAndEveryStandaloneConfigAreFound(@TempDir Path dir) throws Exception {
    Path tomcat = Files.createDirectories(dir.resolve("tomcat/conf/Catalina/localhost"));
    Files.writeString(tomcat.resolve("orders.xml"), "<Context><Resource password=\"x\"/></Context>\n");
    Path classes = Files.createDirectories(dir.resolve("tomcat/webapps/orders/WEB-INF/classes"));
    Files.writeString(classes.resolve("log4j2.properties"), "appender.f.type=File\n");
    Files.writeString(classes.resolve("application.properties"), "spring.application.name=orders\n");
    Path jetty = Files.createDirectories(dir.resolve("jetty-base/webapps/cart/WEB-INF/classes"));
    Files.writeString(jetty.resolve("log4j2.xml"), "<Configuration/>\n");
    Files.writeString(dir.resolve("jetty-base/webapps/cart.xml"), "<Configure/>\n");
    Path wildfly = Files.createDirectories(dir.resolve("wildfly/configuration"));
    Files.writeString(wildfly.resolve("standalone.xml"), "<server/>\n");
    Files.writeString(wildfly.resolve("standalone-ha.xml"), "<server/>\n");
    ConfigDiscovery d = new ConfigDiscovery(Map.of("catalina.base", dir.resolve("tomcat").toString(),
        "jboss.server.config.dir", wildfly.toString(), "jetty.base", dir.resolve("jetty-base").toString()),
        Map.of(), List.of(), dir, List.of());
    List<String> names = names(d.discover());
    for (String expected : List.of("conf/Catalina/localhost/orders.xml", "orders/WEB-INF/classes/log4j2.properties",
        "orders/WEB-INF/classes/application.properties", "cart/WEB-INF/classes/log4j2.xml", "webapps/cart.xml",
        "standalone.xml", "standalone-ha.xml")) {
      assertTrue(names.stream().anyMatch(n -> n.endsWith(expected)), expected + " in " + names);
    }
  }

  @Test
  void profilesFromTheEnvironmentAndLocationsFromArgumentsCount(@TempDir Path dir) throws Exception {
    Path elsewhere = Files.createDirectories(dir.resolve("etc/app"));
    Files.writeString(elsewhere.resolve("application-dev.yml"), "a: 1\n");
    Files.writeString(elsewhere.resolve("custom.properties"), "a: 1\n");
    Files.writeString(dir.resolve("application.yml"), "ignored: spring.config.location replaces the defaults\n");
    ConfigDiscovery d = new ConfigDiscovery(Map.of(), Map.of("SPRING_PROFILES_ACTIVE", "dev"),
        List.of("--spring.config.location=file:" + elsewhere + "/", "--spring.config.additional-location="
            + "optional:file:" + elsewhere + "/custom.properties"), dir, List.of());
    List<ConfigFile> found = d.discover();
    assertEquals(List.of("etc/app/application-dev.yml", "etc/app/custom.properties"), names(found));
    assertEquals("spring.config.location", found.get(0).foundBy());
  }

  @Test
  void filesNamedBySystemPropertiesAndArgumentsCountWhenTheyLookLikeConfig(@TempDir Path dir) throws Exception {
    Path outside = Files.createTempFile("it-config", ".toml");
    try {
      Files.writeString(dir.resolve("log4j2-custom.xml"), "<Configuration/>\n");
      Files.writeString(dir.resolve("data.bin"), "x");
      ConfigDiscovery d = new ConfigDiscovery(
          Map.of("log4j.configurationFile", "log4j2-custom.xml", "some.data", dir.resolve("data.bin").toString()),
          Map.of(), List.of("--settings=" + outside), dir, List.of());
      List<ConfigFile> found = d.discover();
      assertEquals(List.of("log4j2-custom.xml", "abs" + outside), names(found));
      assertEquals("system property log4j.configurationFile", found.get(0).foundBy());
      assertEquals("program argument", found.get(1).foundBy());
    } finally {
      Files.delete(outside);
    }
  }

  @Test
  void classPathResourcesInsideJarsAreFoundAndReadWithoutKeepingTheJarOpen(@TempDir Path dir) throws Exception {
    Path jar = dir.resolve("app.jar");
    try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(jar))) {
      z.putNextEntry(new ZipEntry("application.properties"));
      z.write("greeting=hi\n".getBytes(StandardCharsets.UTF_8));
      z.putNextEntry(new ZipEntry("config/application.yml"));
      z.write("a: 1\n".getBytes(StandardCharsets.UTF_8));
    }
    Path work = Files.createDirectories(dir.resolve("work"));
    try (URLClassLoader cl = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
      List<ConfigFile> found = new ConfigDiscovery(Map.of(), Map.of(), List.of(), work, List.of(cl)).discover();
      assertEquals(List.of("classpath/app.jar/application.properties", "classpath/app.jar/config/application.yml"),
          names(found));
      assertTrue(found.get(0).location().startsWith("jar:file:"), found.get(0).location());
      try (InputStream in = found.get(0).open()) {
        assertEquals("greeting=hi\n", new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    }
  }

  @Test
  void containerOfAResourceIsNamedByItsJar() throws Exception {
    assertEquals("app.jar", ConfigDiscovery.containerName(new URL("jar:file:/opt/app.jar!/application.yml")));
    assertEquals("lib.jar", ConfigDiscovery.containerName(
        new URL("jar:file:/opt/app.jar!/BOOT-INF/lib/lib.jar!/application.yml")));
    assertEquals("app.jar/BOOT-INF/classes", ConfigDiscovery.containerName(
        new URL(null, "jar:nested:/opt/app.jar/!BOOT-INF/classes/!/application.yml", new java.net.URLStreamHandler() {
          @Override
          protected java.net.URLConnection openConnection(URL u) {
            throw new UnsupportedOperationException();
          }
        })));
  }

  @Test
  void entryNamesAreSafe() {
    assertEquals("a/b_c/d.yml", ConfigDiscovery.safeName("/a/../b c/./d.yml"));
  }

  private static List<String> names(List<ConfigFile> files) {
    return files.stream().map(ConfigFile::relativeName).collect(Collectors.toList());
  }
}
