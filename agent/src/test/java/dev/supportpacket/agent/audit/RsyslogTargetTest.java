package dev.supportpacket.agent.audit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.supportpacket.agent.report.AppIdentity;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The syslog target against a real rsyslog: RFC 5424 over UDP, octet-counted over TCP and TLS, certificate checks. */
class RsyslogTargetTest {
  private static final Duration PATIENCE = Duration.ofSeconds(30);

  @TempDir static Path rsyslogDir;
  @TempDir Path dir;
  private static Rsyslog rsyslog;

  @BeforeAll
  static void startRsyslog() throws Exception {
    rsyslog = Rsyslog.start(rsyslogDir);
    // UDP gives no sign of a listener: send until rsyslog has logged one.
    try (DatagramSocket s = new DatagramSocket()) {
      byte[] probe = "<14>1 - - - - probe - ready".getBytes(StandardCharsets.US_ASCII);
      await().atMost(PATIENCE).until(() -> {
        s.send(new DatagramPacket(probe, probe.length, InetAddress.getLoopbackAddress(), rsyslog.udpPort));
        return rsyslog.received().stream().anyMatch(l -> l.endsWith("|ready"));
      });
    }
  }

  @AfterAll
  static void stopRsyslog() throws Exception {
    rsyslog.close();
  }

  @Test
  void udpCarriesAnRfc5424MessageWithOurStructuredData() throws Exception {
    AuditRecord r = Configs.record("alice");
    send(syslog("udp", rsyslog.udpPort, "facility: local3, tag: shop-audit, sd_id: audit@32473"), r);
    String line = arrived(r);
    String[] f = line.split("\\|", 8);
    assertEquals(String.valueOf(19 * 8 + 6), f[0], "local3 (19), informational (6): " + line);
    assertEquals("1", f[1], "RFC 5424 version");
    assertEquals(AppIdentity.hostName(), f[2]);
    assertEquals("shop-audit", f[3]);
    assertEquals(Long.toString(ProcessHandle.current().pid()), f[4]);
    assertEquals("packet.create", f[5]);
    assertEquals("[audit@32473 id=\"" + r.id() + "\" event=\"packet.create\" status=\"success\" user=\"alice\""
        + " client=\"attach-cli/1\" clientHost=\"box\"]", f[6]);
    assertEquals(r.id(), NetworkTargetTest.json(f[7]).path("id").asText(), "the record as JSON in MSG");
  }

  @Test
  void tcpFramesByOctetCountingSoThatBytesNotCharactersCount() throws Exception {
    List<AuditRecord> batch = List.of(Configs.record("zoë"), Configs.record("李"), Configs.record("bob"));
    AuditLog log = Configs.load(dir, syslog("tcp", rsyslog.tcpPort, "tag: sp"), null);
    batch.forEach(log::submit);
    for (AuditRecord r : batch) {
      String[] f = arrived(r).split("\\|", 8);
      assertEquals(String.valueOf(10 * 8 + 6), f[0], "authpriv by default");
      assertEquals("-", f[6], "no structured data unless sd_id is set");
      assertEquals(r.id(), NetworkTargetTest.json(f[7]).path("id").asText(), "each message whole");
    }
    assertEquals("zoë", NetworkTargetTest.json(arrived(batch.get(0)).split("\\|", 8)[7]).path("user").asText());
  }

  @Test
  void tlsTrustsTheConfiguredCaAndChecksTheHostName() throws Exception {
    AuditRecord r = Configs.record("alice");
    send(syslog("tls", rsyslog.tlsPort, "host: localhost, ca_cert: " + rsyslog.caCert), r);
    arrived(r);
  }

  @Test
  void tlsWithAnotherCaFailsWithoutThrowingAndTheRecordWaits() throws Exception {
    String why = refused(syslog("tls", rsyslog.tlsPort, "host: localhost, ca_cert: " + rsyslog.otherCaCert));
    assertTrue(why.contains("PKIX") || why.contains("certificat"), why);
  }

  @Test
  void tlsRefusesACertificateThatDoesNotNameTheHost() throws Exception {
    // The server's certificate names localhost, not 127.0.0.1.
    String why = refused(syslog("tls", rsyslog.tlsPort, "host: 127.0.0.1, ca_cert: " + rsyslog.caCert));
    assertTrue(why.contains("No subject alternative names matching IP address 127.0.0.1"), why);
  }

  @Test
  void insecureConnectsDespiteAnUnknownCaAndAnotherName() throws Exception {
    AuditRecord r = Configs.record("alice");
    send(syslog("tls", rsyslog.tlsPort, "host: 127.0.0.1, insecure: true"), r);
    arrived(r);
  }

  /** Sends one record to a target that must refuse it; returns the failure the log reported. */
  private String refused(String yaml) throws Exception {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    AuditLog log = Configs.load(dir, yaml, new PrintStream(err, true));
    AuditRecord r = Configs.record("alice");
    log.submit(r); // returns: nothing is thrown at the caller
    await().atMost(PATIENCE).until(() -> err.toString(StandardCharsets.UTF_8).contains("audit target rsyslog failed"));
    assertTrue(log.awaitIdle(PATIENCE.toMillis()), "a refusing target does not hold up whoever waits");
    assertEquals(0, log.droppedSoFar(), "the record waits in the queue");
    assertFalse(rsyslog.received().stream().anyMatch(l -> l.contains(r.id())));
    return err.toString(StandardCharsets.UTF_8);
  }

  private void send(String yaml, AuditRecord r) throws Exception {
    Configs.load(dir, yaml, System.err).submit(r);
  }

  private static String arrived(AuditRecord r) {
    return await().atMost(PATIENCE).until(() -> rsyslog.received().stream().filter(l -> l.contains(r.id())).findFirst(),
        java.util.Optional::isPresent).get();
  }

  /** A {@code targets:} map with one syslog target {@code rsyslog}; {@code options} may override the host. */
  static String syslog(String protocol, int port, String options) {
    String host = options.contains("host:") ? "" : "host: 127.0.0.1, ";
    return "targets:\n  rsyslog:\n    type: syslog\n    options: {" + host + "port: " + port + ", protocol: " + protocol
        + ", connect_timeout: 5s, " + options + "}\n";
  }
}
