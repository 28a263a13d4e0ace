package dev.supportpacket.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.supportpacket.it.apps.Log4jRollingApp;
import dev.supportpacket.it.apps.SpringLogbackApp;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The application's own config files and logs, found from inside real JVMs; the agent leaves its libraries alone.
 * Spring Boot's start burns CPU: these tests stay out of the way of the sample-counting attach test.
 */
@ResourceLock(value = "cpu-profile", mode = ResourceAccessMode.READ)
class ConfigAndLogsIT {
  private static final Pattern TICK = Pattern.compile("tick=(\\d+) jackson=(\\S+) compress=(\\S+)");

  @ParameterizedTest
  @EnumSource(Jdk.class)
  void springBootConfigAndLogbackFileAreInThePacketWithTheirPasswordScrubbedEverywhere(Jdk jdk, @TempDir Path dir)
      throws Exception {
    // Fake, made up per run; the app logs it in a line no pattern recognises: only learning it from the config helps.
    String password = "itPw-" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    Files.writeString(dir.resolve("application.yml"), String.join("\n",
        "spring:",
        "  main:",
        "    banner-mode: \"off\"",
        "  datasource:",
        "    url: jdbc:postgresql://db.example:5432/orders",
        "    username: orders_app",
        "    password: " + password,
        "app:",
        "  greeting: hello-from-yaml",
        "my:",
        "  custom:",
        "    credentials: tiny",
        "logging:",
        "  file:",
        "    name: logs/spring-app.log",
        ""));
    try (TargetJvm target = TargetJvm.start(jdk, List.of(libs("springLibs")), SpringLogbackApp.class, dir, List.of(),
        Map.of(), List.of())) {
      Cli.Result r = Cli.run(Long.toString(target.pid()), "--duration", "1");
      PacketZip zip = packetWithOk(r, "config-files", "log-files");

      String yml = zip.text("config/application.yml");
      assertTrue(yml.contains("greeting: hello-from-yaml"), yml);
      assertTrue(yml.contains("username: orders_app"), yml);
      assertTrue(yml.contains("url: jdbc:postgresql://db.example:5432/orders"), yml);
      assertTrue(yml.matches("(?s).*\n    password: \"\\[REDACTED:[0-9a-f]{8}]\"\n.*"), yml);
      assertTrue(yml.matches("(?s).*\n    credentials: \"\\[REDACTED:[0-9a-f]{8}]\"\n.*"), yml);
      assertFalse(yml.contains("tiny"), yml);
      String configIndex = zip.text("config/index.yaml");
      assertTrue(configIndex.contains("entry: config/application.yml"), configIndex);
      assertTrue(configIndex.contains("spring boot default location file:./"), configIndex);

      String log = zip.text("logs/logs/spring-app.log");
      assertTrue(log.contains(SpringLogbackApp.STARTED + " greeting=hello-from-yaml"), log);
      assertTrue(log.matches("(?s).*connecting with secret \\[REDACTED:[0-9a-f]{8}]\n.*"), log);
      String logIndex = zip.text("logs/index.yaml");
      assertTrue(logIndex.contains("logback appender"), logIndex);

      assertNowhereIn(zip, password);
      assertTrue(target.isAlive());
    }
  }

  @ParameterizedTest
  @EnumSource(Jdk.class)
  void log4jRollingAndJulLogsAreAllInThePacketAndTheAppKeepsItsOwnLibraries(Jdk jdk, @TempDir Path dir)
      throws Exception {
    Files.createDirectories(dir.resolve("logs"));
    gzip(dir.resolve("logs/app-1.log.gz"), "rolled-one first line\nrolled-one last line\n");
    gzip(dir.resolve("logs/app-2.log.gz"), "rolled-two only line\n");
    Files.writeString(dir.resolve("log4j2.xml"), String.join("\n",
        "<Configuration status=\"warn\">",
        "  <Appenders>",
        "    <RollingFile name=\"rolling\" fileName=\"logs/app.log\" filePattern=\"logs/app-%i.log.gz\">",
        "      <PatternLayout pattern=\"%d %p %c - %m%n\"/>",
        "      <SizeBasedTriggeringPolicy size=\"10 MB\"/>",
        "      <DefaultRolloverStrategy max=\"5\"/>",
        "    </RollingFile>",
        "  </Appenders>",
        "  <Loggers><Root level=\"info\"><AppenderRef ref=\"rolling\"/></Root></Loggers>",
        "</Configuration>",
        ""));
    Files.createDirectories(dir.resolve("jul"));
    Files.writeString(dir.resolve("jul/app-1.log"), "jul-rolled line\n");
    Files.writeString(dir.resolve("logging.properties"), String.join("\n",
        "handlers=java.util.logging.FileHandler",
        "java.util.logging.FileHandler.pattern=jul/app-%g.log",
        "java.util.logging.FileHandler.count=3",
        "java.util.logging.FileHandler.formatter=java.util.logging.SimpleFormatter",
        ""));
    try (TargetJvm target = TargetJvm.start(jdk, List.of(libs("log4jLibs")), Log4jRollingApp.class, dir,
        List.of("-Dlog4j.configurationFile=log4j2.xml", "-Djava.util.logging.config.file=logging.properties"),
        Map.of(), List.of())) {
      long before = awaitTick(target, -1, "before the attach");
      assertEquals(List.of("2.9.10-8", "1.19"), versionsAt(target, before), target.output()::toString);

      Cli.Result r = Cli.run(Long.toString(target.pid()), "--duration", "1");
      PacketZip zip = packetWithOk(r, "config-files", "log-files");
      assertTrue(zip.text("logs/logs/app.log").contains(Log4jRollingApp.LOG4J_LINE));
      assertEquals("rolled-one first line\nrolled-one last line\n", zip.text("logs/logs/app-1.log"));
      assertEquals("rolled-two only line\n", zip.text("logs/logs/app-2.log"));
      assertTrue(zip.text("logs/jul/app-0.log").contains(Log4jRollingApp.JUL_LINE));
      // JUL rotated the planted generation 1 to 2 when it opened its handler.
      assertTrue(zip.entries().keySet().stream().filter(n -> n.startsWith("logs/jul/app-") && !n.endsWith("-0.log"))
          .anyMatch(n -> zip.text(n).contains("jul-rolled line")), zip.entries().keySet()::toString);
      String index = zip.text("logs/index.yaml");
      assertTrue(index.contains("log4j2 appender rolling"), index);
      assertTrue(index.contains("java.util.logging.FileHandler.pattern jul/app-%g.log"), index);
      assertTrue(index.contains("stdout redirected to a file"), index);
      assertTrue(zip.text("config/index.yaml").contains("entry: config/log4j2.xml"), zip.text("config/index.yaml"));
      assertTrue(zip.has("config/logging.properties"));

      // After the attach: still its own Jackson and Commons Compress, and Log4j2 still writes.
      long after = awaitTick(target, before + 2, "after the attach");
      assertEquals(List.of("2.9.10-8", "1.19"), versionsAt(target, after), target.output()::toString);
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
          Files.readString(dir.resolve("logs/app.log")).contains("tick=" + after + " "));
      assertTrue(target.isAlive());
    }
  }

  /**
   * The packet, after checking that these collectors report ok. The exit code may be 1 for a reason outside this
   * test (a collector of another topic, such as the CPU profile while its JFR rewriter is missing), so the report
   * line of each collector under test is what is asserted.
   */
  private static PacketZip packetWithOk(Cli.Result r, String... collectors) throws IOException {
    assertTrue(r.exit == 0 || r.exit == 1, () -> r + warnings(r));
    PacketZip zip = new PacketZip(r.packet());
    String report = zip.text("report.txt");
    for (String c : collectors) {
      assertTrue(Pattern.compile("(?m)^" + c + " +ok ").matcher(report).find(), () -> report + warnings(r));
    }
    return zip;
  }

  /** warning.txt of the packet, if one was written: says what made it incomplete. */
  private static String warnings(Cli.Result r) {
    try {
      PacketZip zip = new PacketZip(r.packet());
      return zip.has("warning.txt") ? zip.text("warning.txt") : "";
    } catch (IOException | AssertionError e) {
      return "";
    }
  }

  private static Path libs(String property) {
    Path p = Paths.get(System.getProperty(property));
    assertTrue(Files.isDirectory(p), p + " is missing: run mvn verify from the top");
    return p;
  }

  /** Waits (generously: the machine is shared) for a tick line later than {@code after}; returns its number. */
  private static long awaitTick(TargetJvm target, long after, String when) {
    long[] seen = {-1};
    Awaitility.await(when).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
      for (String line : target.output()) {
        Matcher m = TICK.matcher(line);
        if (m.find() && Long.parseLong(m.group(1)) > after) {
          seen[0] = Long.parseLong(m.group(1));
          return true;
        }
      }
      return false;
    });
    return seen[0];
  }

  private static List<String> versionsAt(TargetJvm target, long tick) {
    for (String line : target.output()) {
      Matcher m = TICK.matcher(line);
      if (m.find() && Long.parseLong(m.group(1)) == tick) {
        return List.of(m.group(2), m.group(3));
      }
    }
    throw new AssertionError("no tick " + tick + " in " + target.output());
  }

  private static void assertNowhereIn(PacketZip zip, String secret) {
    byte[] needle = secret.getBytes(StandardCharsets.UTF_8);
    for (Map.Entry<String, byte[]> e : zip.entries().entrySet()) {
      assertFalse(indexOf(e.getValue(), needle) >= 0, () -> "the planted secret is in " + e.getKey());
    }
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static void gzip(Path file, String content) throws IOException {
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      out.write(content.getBytes(StandardCharsets.UTF_8));
    }
  }
}
