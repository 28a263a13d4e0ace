package dev.supportpacket.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.supportpacket.agent.audit.Rsyslog;
import dev.supportpacket.it.apps.CpuBurnerApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The record of a real packet reaches a real rsyslog over TLS, from an attach and from the startup agent's signal. */
@ResourceLock(value = "cpu-profile", mode = ResourceAccessMode.READ)
class AuditRemoteIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration PATIENCE = Duration.ofSeconds(120);

  @ParameterizedTest
  @EnumSource(Jdk.class)
  void attachSendsThePacketRecordAndItsSealToSyslogOverTls(Jdk jdk, @TempDir Path dir) throws Exception {
    Path out = Files.createDirectory(dir.resolve("packets"));
    try (Rsyslog rsyslog = Rsyslog.start(Files.createDirectory(dir.resolve("rsyslog")));
        TargetJvm target = TargetJvm.start(jdk, CpuBurnerApp.class, dir,
            List.of("-Ddev.supportpacket.audit.config=" + config(dir, rsyslog)), Map.of(), List.of())) {
      Cli.Result r = Cli.run(Long.toString(target.pid()), "--duration", "1", "--output", out.toString());
      assertEquals(0, r.exit, r::toString);
      JsonNode local = JSON.readTree(Files.readAllLines(out.resolve("support-packet-audit.jsonl")).get(0));

      JsonNode sent = received(rsyslog, local.path("id").asText());
      assertEquals("packet.create", sent.path("event").asText());
      assertEquals(System.getProperty("user.name"), sent.path("user").asText());
      assertEquals(r.packet().toString(), sent.path("meta").path("packet").asText());
      assertEquals(local.path("meta").path("sha256").asText(), sent.path("meta").path("sha256").asText());
      JsonNode seal = JSON.readTree(Files.readAllLines(out.resolve("support-packet-audit.jsonl")).get(1));
      assertEquals("audit.seal", seal.path("event").asText());
      assertEquals(seal.path("sig").asText(), received(rsyslog, seal.path("id").asText()).path("meta").path("sig").asText(),
          "the seal is off the host too");
    }
  }

  @Test
  void theStartupAgentsSignalRecordNamesTheProcessOwner(@TempDir Path dir) throws Exception {
    Path out = Files.createDirectory(dir.resolve("packets"));
    Path agent = Paths.get(System.getProperty("agentJar")).toAbsolutePath().normalize();
    try (Rsyslog rsyslog = Rsyslog.start(Files.createDirectory(dir.resolve("rsyslog")));
        TargetJvm target = TargetJvm.start(Jdk.JDK25, CpuBurnerApp.class, dir, List.of("-javaagent:" + agent
            + "=output=" + out + ",duration=1,audit=" + config(dir, rsyslog)), Map.of(), List.of())) {
      Process kill = new ProcessBuilder("kill", "-URG", Long.toString(target.pid())).inheritIO().start();
      assertTrue(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0, "kill -URG");

      JsonNode sent = await().atMost(PATIENCE).until(() -> rsyslog.received().stream()
          .filter(l -> l.contains("packet.create")).findFirst().map(AuditRemoteIT::msg), Optional::isPresent).get();
      assertEquals("signal", sent.path("meta").path("trigger").asText());
      assertEquals(System.getProperty("user.name"), sent.path("user").asText(), "a signal names no sender: the owner");
      assertEquals("process-owner", sent.path("meta").path("userSource").asText());
      assertEquals("SIGURG", sent.path("meta").path("signal").asText());
    }
  }

  /** A file beside the packets and syslog over TLS with the test CA, host name checked. */
  private static Path config(Path dir, Rsyslog rsyslog) throws Exception {
    return Files.writeString(dir.resolve("audit.yaml"), "targets:\n"
        + "  local: {type: file}\n"
        + "  siem:\n    type: syslog\n    options: {host: localhost, port: " + rsyslog.tlsPort + ", protocol: tls,"
        + " ca_cert: " + rsyslog.caCert + ", tag: it}\n");
  }

  private static JsonNode received(Rsyslog rsyslog, String id) {
    return await().atMost(PATIENCE).until(() -> rsyslog.received().stream().filter(l -> l.contains(id)).findFirst()
        .map(AuditRemoteIT::msg), Optional::isPresent).get();
  }

  /** The record in MSG, the last field of rsyslog's line. */
  private static JsonNode msg(String line) {
    try {
      return JSON.readTree(line.split("\\|", 8)[7]);
    } catch (java.io.IOException e) {
      throw new AssertionError(line, e);
    }
  }
}
