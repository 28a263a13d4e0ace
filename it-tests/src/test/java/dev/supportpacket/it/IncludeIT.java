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
}
