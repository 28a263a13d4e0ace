package dev.supportpacket.agent.collect.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApplicationNameTest {
  @TempDir Path dir;

  private Optional<String> name(Map<String, String> props, Map<String, String> env, List<String> args) {
    ConfigDiscovery d = new ConfigDiscovery(props, env, args, dir, List.of());
    return new ApplicationName(d, props, env, args, dir).find();
  }

  @Test
  void theFrameworksNameFromAPropertyAnArgumentOrTheEnvironment() {
    assertEquals("orders", name(Map.of("spring.application.name", "orders"), Map.of(), List.of()).orElseThrow());
    assertEquals("billing", name(Map.of(), Map.of(), List.of("--quarkus.application.name=billing")).orElseThrow());
    assertEquals("stock", name(Map.of(), Map.of("SPRING_APPLICATION_NAME", "stock"), List.of()).orElseThrow());
    assertEquals(Optional.empty(), name(Map.of(), Map.of(), List.of()));
  }

  @Test
  void theNameInTheConfigFilesTheLaterLocationWinning() throws Exception {
    Files.writeString(dir.resolve("application.yml"), "spring:\n  application:\n    name: petclinic\n");
    assertEquals("petclinic", name(Map.of(), Map.of(), List.of()).orElseThrow());
    Files.createDirectories(dir.resolve("config"));
    Files.writeString(dir.resolve("config/application.properties"), "spring.application.name=clinic-eu\n");
    assertEquals("clinic-eu", name(Map.of(), Map.of(), List.of()).orElseThrow());
  }

  @Test
  void jettyIsNamedByItsOneWebappElseItsBaseDirectory() throws Exception {
    Path base = Files.createDirectories(dir.resolve("shop-base/webapps/catalog"));
    Map<String, String> props = Map.of("jetty.base", base.getParent().getParent().toString(),
        "sun.java.command", "/opt/jetty-home/start.jar");
    assertEquals("catalog", name(props, Map.of(), List.of()).orElseThrow());
    Files.createDirectories(dir.resolve("shop-base/webapps/cart"));
    assertEquals("shop-base", name(props, Map.of(), List.of()).orElseThrow());
  }

  @Test
  void wildFlyIsNamedByItsOneDeployment() throws Exception {
    Path base = Files.createDirectories(dir.resolve("standalone/deployments"));
    Files.write(base.resolve("ledger.ear"), new byte[] {1});
    Files.writeString(base.resolve("ledger.ear.deployed"), "");
    assertEquals("ledger", name(Map.of("jboss.server.base.dir", base.getParent().toString()), Map.of(), List.of())
        .orElseThrow());
  }

  @Test
  void tomcatsStockWebappsDoNotNameIt() throws Exception {
    Path base = dir.resolve("tomcat");
    Files.createDirectories(base.resolve("webapps/ROOT"));
    Files.createDirectories(base.resolve("webapps/manager"));
    Files.write(base.resolve("webapps/orders.war"), new byte[] {1});
    assertEquals("orders", name(Map.of("catalina.base", base.toString()), Map.of(), List.of()).orElseThrow());
  }
}
