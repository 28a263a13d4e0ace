package dev.supportpacket.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.supportpacket.it.apps.CpuBurnerApp;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.nio.file.Files;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Fake secrets planted where applications keep real ones must appear nowhere in the packet, not in any raw byte and
 * not in the decoded JFR; plain settings planted beside them must still be there. The target also runs a JFR
 * recording of its own, whose events (initial system properties, environment, JVM arguments) share our chunks.
 */
class NoSecretLeaksIT {
  private static final String SYSPROP_PASSWORD = "sysprop-PLANTED-pw-8c1f";
  private static final String ENV_TOKEN = "envtok-PLANTED-77ab12";
  private static final String ARG_PASSWORD = "argpw-PLANTED-3e9d";
  private static final String JDBC_PASSWORD = "jdbcpw-PLANTED-51aa";
  private static final String URI_PASSWORD = "uripw-PLANTED-0bd4";
  private static final List<String> SECRETS =
      List.of(SYSPROP_PASSWORD, ENV_TOKEN, ARG_PASSWORD, JDBC_PASSWORD, URI_PASSWORD);

  private static final String REGION = "eu-central-PLAIN-7";
  private static final String BATCH = "PLAIN-500";
  private static final String USER = "plain-orders-user";

  @ParameterizedTest
  @EnumSource(Jdk.class)
  void plantedSecretsLeaveNoTraceAndPlainSettingsStay(Jdk jdk, @TempDir Path dir) throws Exception {
    List<String> jvmArgs = List.of(
        "-XX:StartFlightRecording=settings=default",
        "-Dapp.db.password=" + SYSPROP_PASSWORD,
        "-Dapp.datasource.url=jdbc:postgresql://db.internal:5432/orders?user=orders&password=" + JDBC_PASSWORD,
        "-Dapp.region=" + REGION,
        // A thread named after a secret: only literal scrubbing of learned secrets catches this one.
        "-Dit.thread.name=tenant-" + SYSPROP_PASSWORD,
        "-Dit.burners=1");
    Map<String, String> env = Map.of(
        "API_TOKEN", ENV_TOKEN,
        "DATABASE_URL", "postgres://orders:" + URI_PASSWORD + "@db.internal:5432/orders",
        "BATCH_SIZE", BATCH,
        // A shell sets PWD; the word "pwd" in it must not make every path in the packet a secret.
        "PWD", dir.toString());
    try (TargetJvm target = TargetJvm.start(jdk, CpuBurnerApp.class, dir, jvmArgs, env,
        List.of("--admin-password=" + ARG_PASSWORD, "--user=" + USER))) {
      Cli.Result r = Cli.run(Long.toString(target.pid()), "--duration", "1");
      assertTrue(r.exit == 0 || r.exit == 1, r::toString);
      PacketZip zip = new PacketZip(r.packet());
      assertTrue(zip.has("profile/cpu.jfr"), "the JFR is part of what must be proven clean: " + zip.entries().keySet());

      List<String> leaks = new ArrayList<>();
      for (Map.Entry<String, byte[]> e : zip.entries().entrySet()) {
        String latin1 = new String(e.getValue(), StandardCharsets.ISO_8859_1);
        String utf16 = new String(e.getValue(), StandardCharsets.UTF_16BE);
        for (String s : SECRETS) {
          if (latin1.contains(s) || utf16.contains(s)) {
            leaks.add(s + " in " + e.getKey());
          }
        }
      }
      Path jfr = zip.extract("profile/cpu.jfr", dir);
      for (Jdk reader : Jdk.values()) {
        String printed = Jfr.print(reader, jfr);
        for (String s : SECRETS) {
          if (printed.contains(s)) {
            leaks.add(s + " in jfr print (" + reader + ")");
          }
        }
        for (String type : List.of("jdk.InitialSystemProperty", "jdk.InitialEnvironmentVariable", "jdk.JVMInformation")) {
          if (printed.contains(type)) {
            leaks.add("the application's " + type + " events in cpu.jfr");
          }
        }
      }
      assertEquals(List.of(), leaks);

      assertTrue(zip.text("jvm/system-properties.yaml").contains(REGION), "plain setting kept");
      assertTrue(zip.text("jvm/system-properties.yaml").contains("db.internal:5432/orders"), "JDBC URL kept, but its password");
      assertTrue(zip.text("jvm/environment.yaml").contains(BATCH), "plain variable kept");
      assertTrue(zip.text("jvm/arguments.yaml").contains(USER), "plain argument kept");
      assertTrue(zip.text("jvm/system-properties.yaml").contains("user.dir: " + dir), "paths stay readable");
      assertTrue(zip.text("threads/threads.txt").contains("\"tenant-[REDACTED:"), "thread name scrubbed, rest kept");
      assertTrue(zip.text("report.txt").contains("redactions"));

      Cli.Result scan = Cli.run("scan", r.packet().toString());
      assertEquals(0, scan.exit, "scan finds nothing in a sanitized packet: " + scan);
    }
  }

  @Test
  void scanFindsWhatLooksSecretWithoutPrintingIt(@TempDir Path dir) throws Exception {
    String awsSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYPLANTEDKEY";
    Path zip = dir.resolve("leaky.zip");
    try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
      out.putNextEntry(new ZipEntry("logs/app.log"));
      out.write(("2026-11-23 INFO start\naws_secret_access_key = " + awsSecret + "\n").getBytes(StandardCharsets.UTF_8));
      out.closeEntry();
    }
    Cli.Result scan = Cli.run("scan", zip.toString());
    assertEquals(12, scan.exit, scan::toString);
    assertTrue(scan.out.contains("logs/app.log"), scan::toString);
    assertFalse(scan.out.contains(awsSecret) || scan.err.contains(awsSecret), "scan must not print the secret");
  }

  @Test
  void userRulesFileRedactsWhatNoBuiltInRuleKnows(@TempDir Path dir) throws Exception {
    String custom = "acme_" + "Q7wPLANTEDxZ3kR9tY2uV5nB8mC4lD6s";
    Path rules = Files.writeString(dir.resolve("rules.yaml"),
        "patterns:\n  - name: acme-token\n    regex: 'acme_[A-Za-z0-9]{32}'\nnot_secret_keys: [app.session.token.hint]\n");
    try (TargetJvm target = TargetJvm.start(Jdk.JDK17, CpuBurnerApp.class, dir,
        List.of("-Dapp.partner=" + custom, "-Dapp.session.token.hint=PLAIN-hint-42"), Map.of(), List.of())) {
      Cli.Result r = Cli.run(Long.toString(target.pid()), "--duration", "1", "--rules", rules.toString());
      assertEquals(0, r.exit, r::toString);
      PacketZip zip = new PacketZip(r.packet());
      String props = zip.text("jvm/system-properties.yaml");
      assertFalse(props.contains(custom), props);
      assertTrue(props.contains("PLAIN-hint-42"), "declared not secret by the rules file");
      assertTrue(zip.text("report.txt").contains("acme-token(1)"), zip.text("report.txt"));
    }
  }
}
