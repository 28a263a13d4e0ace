package dev.supportpacket.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.supportpacket.it.apps.WebappHostApp;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The config of the common servers, found in the base directories they run in, sanitized, and the application named
 * as its operators name it; a web application's own Log4j2, in a class loader no thread names, reported as running.
 * The layouts are those of Jetty 12 and Tomcat, laid out by the test with secrets planted in them.
 */
class ServerConfigIT {
  private static String secret(String prefix) {
    return prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 14);
  }

  @ParameterizedTest
  @EnumSource(Jdk.class)
  void jettyBaseConfigIsFoundSanitizedAndTheServerNamedByItsBase(Jdk jdk, @TempDir Path tmp) throws Exception {
    String dbPassword = secret("jdbcPw");
    Path base = Files.createDirectories(tmp.resolve("shop-base"));
    Files.createDirectories(base.resolve("start.d"));
    Files.writeString(base.resolve("start.d/db.ini"), String.join("\n",
        "--module=jdbc",
        "jdbc.url=jdbc:postgresql://db.example:5432/shop",
        "jdbc.user=shop",
        "jdbc.password=" + dbPassword,
        ""));
    Files.writeString(base.resolve("start.d/http.ini"), "--module=http\njetty.http.port=8080\n");
    Files.createDirectories(base.resolve("resources"));
    Files.writeString(base.resolve("resources/jetty-logging.properties"), "org.eclipse.jetty.LEVEL=INFO\n");
    Path classes = Files.createDirectories(base.resolve("webapps/catalog/WEB-INF/classes"));
    Files.writeString(classes.resolve("log4j2.properties"), "rootLogger.level=info\n");
    Files.createDirectories(base.resolve("webapps/cart"));

    try (TargetJvm target = TargetJvm.start(jdk, WebappHostApp.class, base,
        List.of("-Djetty.base=" + base, "-Djetty.home=" + tmp.resolve("jetty-home")), Map.of(), List.of())) {
      PacketZip zip = packet(target);
      String ini = zip.text("config/start.d/db.ini");
      assertTrue(ini.contains("jdbc.user=shop"), ini);
      assertTrue(Pattern.compile("(?m)^jdbc\\.password=\\[REDACTED:[0-9a-f]{8}]$").matcher(ini).find(), ini);
      assertTrue(zip.has("config/start.d/http.ini") && zip.has("config/resources/jetty-logging.properties"));
      assertTrue(zip.has("config/webapps/catalog/WEB-INF/classes/log4j2.properties"), zip.entries().keySet()::toString);
      // Two applications: the base names the server, not "WebappHostApp" (Jetty's own would be "start").
      assertEquals("shop-base", zip.yaml("metadata.yaml").get("app"));
      assertTrue(zip.path().getFileName().toString().startsWith("support-packet-shop-base-" + target.pid() + "-"));
      assertNowhereIn(zip, dbPassword);
    }
  }

  @ParameterizedTest
  @EnumSource(Jdk.class)
  void tomcatConfigIsFoundSanitizedAndTheAppNamedBySpringApplicationName(Jdk jdk, @TempDir Path tmp)
      throws Exception {
    String resourcePassword = secret("ctxPw");
    String userPassword = secret("usrPw");
    Path base = Files.createDirectories(tmp.resolve("tomcat"));
    Files.createDirectories(base.resolve("conf/Catalina/localhost"));
    Files.writeString(base.resolve("conf/server.xml"), String.join("\n",
        "<Server port=\"8005\" shutdown=\"SHUTDOWN\">",
        "  <GlobalNamingResources>",
        "    <Resource name=\"jdbc/orders\" type=\"javax.sql.DataSource\" username=\"orders\"",
        "        password=\"" + resourcePassword + "\" url=\"jdbc:postgresql://db.example/orders\"/>",
        "  </GlobalNamingResources>",
        "</Server>",
        ""));
    Files.writeString(base.resolve("conf/tomcat-users.xml"),
        "<tomcat-users><user username=\"admin\" password=\"" + userPassword + "\" roles=\"manager-gui\"/>"
            + "</tomcat-users>\n");
    Files.writeString(base.resolve("conf/logging.properties"), "handlers=java.util.logging.ConsoleHandler\n");
    Files.createDirectories(base.resolve("webapps/ROOT"));
    Path classes = Files.createDirectories(base.resolve("webapps/orders/WEB-INF/classes"));
    Files.writeString(classes.resolve("application.properties"), "spring.application.name=order-desk\n");

    try (TargetJvm target = TargetJvm.start(jdk, WebappHostApp.class, base,
        List.of("-Dcatalina.base=" + base), Map.of(), List.of())) {
      PacketZip zip = packet(target);
      String serverXml = zip.text("config/conf/server.xml");
      assertTrue(serverXml.contains("username=\"orders\""), serverXml);
      assertTrue(serverXml.matches("(?s).*password=\"\\[REDACTED:[0-9a-f]{8}]\".*"), serverXml);
      assertFalse(zip.text("config/conf/tomcat-users.xml").contains(userPassword));
      assertTrue(zip.has("config/conf/logging.properties"));
      assertTrue(zip.has("config/webapps/orders/WEB-INF/classes/application.properties"));
      assertEquals("order-desk", zip.yaml("metadata.yaml").get("app"));
      assertTrue(zip.text("README.html").contains("order-desk"));
      assertNowhereIn(zip, resourcePassword);
      assertNowhereIn(zip, userPassword);
    }
  }

  @ParameterizedTest
  @EnumSource(Jdk.class)
  void aWebappsOwnLog4j2InAClassLoaderNoThreadNamesIsReportedAsRunning(Jdk jdk, @TempDir Path dir) throws Exception {
    Path log = dir.resolve("webapp-logs/orders.log");
    Path config = Files.writeString(dir.resolve("webapp-log4j2.xml"), String.join("\n",
        "<Configuration status=\"warn\">",
        "  <Appenders>",
        "    <File name=\"webappFile\" fileName=\"" + log + "\">",
        "      <PatternLayout pattern=\"%d %p %c - %m%n\"/>",
        "    </File>",
        "  </Appenders>",
        "  <Loggers><Root level=\"info\"><AppenderRef ref=\"webappFile\"/></Root></Loggers>",
        "</Configuration>",
        ""));
    Path libs = Paths.get(System.getProperty("log4jLibs"));
    assertTrue(Files.isDirectory(libs), libs + " is missing: run mvn verify from the top");
    try (TargetJvm target = TargetJvm.start(jdk, WebappHostApp.class, dir,
        List.of("-Dit.webappLibs=" + libs, "-Dit.webappLog4j=" + config), Map.of(), List.of())) {
      assertTrue(Files.readString(log).contains(WebappHostApp.WEBAPP_LINE), target.output()::toString);
      PacketZip zip = packet(target);
      String index = zip.text("logs/index.yaml");
      assertTrue(index.contains("log4j2: 1 logger context(s), 1 file(s)"), index);
      assertTrue(index.contains("log4j2 appender webappFile"), index);
      assertFalse(index.contains("log4j2: not started"), index);
      assertTrue(zip.text("logs/webapp-logs/orders.log").contains(WebappHostApp.WEBAPP_LINE));
      assertTrue(target.isAlive());
    }
  }

  /** The packet of an attach, whose config and log collectors must have run: other topics may fail on a busy host. */
  private static PacketZip packet(TargetJvm target) throws Exception {
    Cli.Result r = Cli.run(Long.toString(target.pid()), "--duration", "1");
    assertTrue(r.exit == 0 || r.exit == 1, r::toString);
    PacketZip zip = new PacketZip(r.packet());
    String report = zip.text("report.txt");
    for (String c : List.of("config-files", "log-files")) {
      assertTrue(Pattern.compile("(?m)^" + c + " +ok ").matcher(report).find(), report);
    }
    return zip;
  }

  static void assertNowhereIn(PacketZip zip, String secret) {
    for (Map.Entry<String, byte[]> e : zip.entries().entrySet()) {
      assertFalse(new String(e.getValue(), StandardCharsets.ISO_8859_1).contains(secret),
          () -> "the planted secret is in " + e.getKey());
    }
  }
}
