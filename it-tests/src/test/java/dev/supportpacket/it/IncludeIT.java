package dev.supportpacket.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.supportpacket.it.apps.WebappHostApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code --include DIR}: the operator's directory goes into the packet sanitized, and what another local user planted
 * in it (a link out to a private file, a FIFO, a binary file) is listed with the reason, never copied or opened.
 */
class IncludeIT {
  @ParameterizedTest
  @EnumSource(Jdk.class)
  void anIncludedDirectoryIsSanitizedAndItsPlantsAreListedNotFollowed(Jdk jdk, @TempDir Path dir,
      @TempDir Path elsewhere) throws Exception {
    String dbPassword = "incPw" + UUID.randomUUID().toString().replace("-", "").substring(0, 14);
    String learned = "cfgPw" + UUID.randomUUID().toString().replace("-", "").substring(0, 14);
    String privateText = "private-" + UUID.randomUUID();
    Path app = Files.createDirectories(dir.resolve("app"));
    // A secret of the application's own config: learned, then scrubbed wherever it appears without its key.
    Files.writeString(app.resolve("application.properties"), "spring.datasource.password=" + learned + "\n");
    Path inc = Files.createDirectories(dir.resolve("ops/conf.d"));
    Files.writeString(inc.resolve("db.ini"), "[db]\nhost = db.example\npassword = " + dbPassword + "\n");
    Files.writeString(inc.resolve("runbook.txt"), "after the incident the password became " + learned + "\n");
    Path outside = Files.writeString(elsewhere.resolve("id_rsa"), privateText + "\n");
    Files.createSymbolicLink(inc.resolve("deploy-notes.txt"), outside);
    Process mkfifo = new ProcessBuilder("mkfifo", inc.resolve("control.pipe").toString()).inheritIO().start();
    assertEquals(0, mkfifo.waitFor());
    byte[] binary = new byte[20_000];
    new java.util.Random(1).nextBytes(binary);
    Files.write(inc.resolve("cache.db"), binary);

    try (TargetJvm target = TargetJvm.start(jdk, WebappHostApp.class, app, List.of(), Map.of(), List.of())) {
      Cli.Result r = Cli.runIn(dir, "--include", "ops/conf.d", Long.toString(target.pid()), "--duration", "1");
      assertTrue(r.exit == 0 || r.exit == 1, r::toString);
      PacketZip zip = new PacketZip(r.packet());
      String report = zip.text("report.txt");
      assertTrue(Pattern.compile("(?m)^included-files +ok ").matcher(report).find(), report);
      String prefix = "included/" + inc.toString().substring(1).replaceAll("[^A-Za-z0-9._/-]", "_") + "/";
      String ini = zip.text(prefix + "db.ini");
      assertTrue(ini.contains("host = db.example") && ini.matches("(?s).*password = \\[REDACTED:[0-9a-f]{8}].*"), ini);
      assertFalse(zip.text(prefix + "runbook.txt").contains(learned));
      for (String left : List.of("deploy-notes.txt", "cache.db", "control.pipe")) {
        assertFalse(zip.has(prefix + left), left);
      }
      // Everything included or left out is in report.txt: the entries, and a note per file left out with its reason.
      assertTrue(report.contains(prefix + "db.ini") && report.contains(prefix + "runbook.txt"), report);
      assertTrue(report.contains("deploy-notes.txt: a link to " + outside.toRealPath() + ", outside the included"),
          report);
      assertTrue(report.contains("control.pipe: a FIFO, socket or device: never opened"), report);
      assertTrue(report.contains("cache.db: binary content"), report);
      ServerConfigIT.assertNowhereIn(zip, dbPassword);
      ServerConfigIT.assertNowhereIn(zip, learned);
      ServerConfigIT.assertNowhereIn(zip, privateText);
      assertTrue(target.isAlive());
    }
  }

  /**
   * The startup agent's {@code include=} (several paths, as on a class path) serves a signal's packet, and the
   * instrumentation premain was given finds a web application's Log4j2 there too.
   */
  @ParameterizedTest
  @EnumSource(Jdk.class)
  void theStartupAgentsIncludesAndInstrumentationServeASignalsPacket(Jdk jdk, @TempDir Path dir) throws Exception {
    Path out = Files.createDirectory(dir.resolve("packets"));
    Path conf = Files.createDirectories(dir.resolve("conf"));
    Files.writeString(conf.resolve("limits.properties"), "orders.max=100\n");
    Path single = Files.writeString(dir.resolve("release.txt"), "release 4.2\n");
    Path log4jConfig = Files.writeString(dir.resolve("webapp-log4j2.xml"), String.join("\n",
        "<Configuration status=\"warn\"><Appenders>",
        "<File name=\"webappFile\" fileName=\"" + dir.resolve("webapp.log") + "\">",
        "<PatternLayout pattern=\"%m%n\"/></File>",
        "</Appenders><Loggers><Root level=\"info\"><AppenderRef ref=\"webappFile\"/></Root></Loggers></Configuration>",
        ""));
    Path agent = java.nio.file.Paths.get(System.getProperty("agentJar")).toAbsolutePath().normalize();
    String options = "output=" + out + ",duration=1,include=" + conf + java.io.File.pathSeparator + single;
    try (TargetJvm target = TargetJvm.start(jdk, WebappHostApp.class, dir, List.of("-javaagent:" + agent + "="
        + options, "-Dit.webappLibs=" + System.getProperty("log4jLibs"), "-Dit.webappLog4j=" + log4jConfig),
        Map.of(), List.of())) {
      // The signal handler is in place once the agent has registered its MBean and says so in a property.
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(120)).until(() -> Leftovers
          .jcmd(jdk, target, "VM.system_properties").contains("dev.supportpacket.agent.version="));
      Process kill = new ProcessBuilder("kill", "-URG", Long.toString(target.pid())).inheritIO().start();
      assertEquals(0, kill.waitFor());
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(120))
          .until(() -> target.output().stream().anyMatch(l -> l.contains("packet written")));
      Path packet;
      try (java.util.stream.Stream<Path> s = Files.list(out)) {
        packet = s.filter(p -> p.toString().endsWith(".zip")).findFirst().orElseThrow();
      }
      PacketZip zip = new PacketZip(packet);
      assertEquals("signal", zip.yaml("metadata.yaml").get("trigger"));
      String index = zip.text("included/index.yaml");
      assertTrue(index.contains("limits.properties") && index.contains("release.txt"), index);
      assertTrue(zip.text("logs/index.yaml").contains("log4j2: 1 logger context(s)"), zip.text("logs/index.yaml"));
    }
  }
}
