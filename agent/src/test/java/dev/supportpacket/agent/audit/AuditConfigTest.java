package dev.supportpacket.agent.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AuditConfigTest {
  @TempDir Path dir;

  @Test
  void everyTargetTypeWithEveryOptionLoads() throws Exception {
    Files.writeString(dir.resolve("hmac"), "0123456789abcdef0123456789abcdef");
    Files.writeString(dir.resolve("ca.pem"), aCaCertificateAsPem());
    String yaml = "queue_size: 50\nhmac_key_file: " + dir.resolve("hmac") + "\ntargets:\n"
        + "  f: {type: file, format: json, levels: [info, warn], options: {filename: " + dir.resolve("a.jsonl")
        + ", max_size: 1MB, max_age: 12h, max_backups: 3, compress: false, seal_every: 2, signing_key_file: "
        + dir.resolve("k") + "}}\n"
        + "  c: {type: console, format: plain, format_options: {delim: ';', timestamp_format: yyyy}, options: {out: stderr}}\n"
        + "  s: {type: syslog, format: gelf, options: {host: localhost, port: 6514, protocol: tls, tag: t, facility: local7,"
        + " sd_id: audit@32473, ca_cert: " + dir.resolve("ca.pem") + ", connect_timeout: 500ms}}\n"
        + "  u: {type: syslog, options: {host: localhost, protocol: udp}}\n"
        + "  t: {type: tcp, format: gelf, options: {host: localhost, port: 12201, tls: true, insecure: true, connect_timeout: 2s}}\n"
        + "  off: {type: none, options: {anything: goes}}\n";
    Configs.load(dir, yaml, null);
  }

  @Test
  void syslogOptionsShapeTheMessage() throws Exception {
    try (DatagramSocket receiver = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      receiver.setSoTimeout(30_000);
      AuditLog log = Configs.load(dir, "targets:\n  s: {type: syslog, format: plain, format_options: {delim: ' ~ '},"
          + " levels: [warn], options: {host: 127.0.0.1, port: " + receiver.getLocalPort() + ", protocol: udp,"
          + " facility: daemon, tag: my-app}}\n", null);
      log.submit(Configs.record("alice")); // info: not for this target
      log.submit(AuditRecord.builder(AuditRecord.PACKET_CREATE).status(AuditRecord.Status.REJECTED).build());
      DatagramPacket p = new DatagramPacket(new byte[65536], 65536);
      receiver.receive(p);
      String m = new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
      assertTrue(m.matches("<28>1 \\S+ \\S+ my-app \\d+ packet.create - .* ~ warn ~ packet.create ~ rejected ~ .*"), m);
    }
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{type: syslog}|options.host is required",
      "{type: syslog, options: {host: h, protocol: quic}}|protocol must be udp, tcp or tls, not 'quic'",
      "{type: syslog, options: {host: h, facility: mail2}}|facility must be one of kern, user",
      "{type: syslog, options: {host: h, sd_id: 'a b'}}|sd_id must be 1 to 32 printable ASCII",
      "{type: syslog, options: {host: h, port: 70000}}|options.port must be a port number (1 to 65535), not '70000'",
      "{type: syslog, options: {host: h, insecure: true}}|ca_cert and insecure apply only to TLS: add protocol: tls",
      "{type: syslog, options: {host: h, protocol: tls, insecure: true, ca_cert: x.pem}}|set either ca_cert or insecure",
      "{type: syslog, options: {host: h, cacert: x.pem}}|unknown key 'cacert' (known: [ca_cert, connect_timeout,",
      "{type: syslog, options: {host: h, connect_timeout: soon}}|connect_timeout must be like 7d, 12h, 30m, 10s or 500ms",
      "{type: tcp, options: {host: h}}|options.port must be a port number (1 to 65535) and is required",
      "{type: tcp, options: {host: h, port: 1, ca_cert: x.pem}}|ca_cert and insecure apply only to TLS: add tls: true",
      "{type: gelf}|type must be one of [console, file, syslog, tcp] or none, not 'gelf'",
      "{type: tcp, format: xml}|format must be json, plain or gelf, not 'xml'",
      "{type: file, levels: [debug]}|level must be info, warn or error, not 'debug'",
      "{type: file, options: {max_size: lots}}|max_size must be like 10MB",
      "{type: console, options: {out: tty}}|out must be stdout or stderr, not 'tty'"})
  void badConfigurationNamesTheTargetAndTheFix(String target, String message) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Configs.load(dir, "targets:\n  remote: " + target + "\n", null));
    assertTrue(e.getMessage().startsWith("target remote"), e.getMessage());
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }

  @Test
  void aCaFileWithoutCertificatesIsRefusedWithItsPath() throws Exception {
    Path empty = Files.writeString(dir.resolve("empty.pem"), "not a certificate\n");
    IOException e = assertThrows(IOException.class, () -> Configs.load(dir, "targets:\n  s: {type: syslog, options:"
        + " {host: h, protocol: tls, ca_cert: " + empty + "}}\n", null));
    assertTrue(e.getMessage().contains(empty.toString()), e.getMessage());
  }

  /** Any CA certificate, taken from the JDK's own trust store. */
  private static String aCaCertificateAsPem() throws Exception {
    KeyStore cacerts = KeyStore.getInstance(KeyStore.getDefaultType());
    try (InputStream in = Files.newInputStream(Path.of(System.getProperty("java.home"), "lib", "security", "cacerts"))) {
      cacerts.load(in, null);
    }
    Certificate c = cacerts.getCertificate(cacerts.aliases().nextElement());
    return "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder().encodeToString(c.getEncoded())
        + "\n-----END CERTIFICATE-----\n";
  }

  @Test
  void durationsTakeUnitsFromMillisecondsToDays() {
    assertEquals(Duration.ofMillis(500), AuditConfig.duration("t", "k", "500ms"));
    assertEquals(Duration.ofSeconds(10), AuditConfig.duration("t", "k", "10s"));
    assertEquals(Duration.ofMinutes(30), AuditConfig.duration("t", "k", "30m"));
    assertEquals(Duration.ofHours(12), AuditConfig.duration("t", "k", "12h"));
    assertEquals(Duration.ofDays(7), AuditConfig.duration("t", "k", "7"));
  }
}
