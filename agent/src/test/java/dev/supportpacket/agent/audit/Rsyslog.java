package dev.supportpacket.agent.audit;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.DatagramSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real rsyslog on loopback, in the foreground with its own configuration: UDP, TCP and TLS (the ossl driver, with a
 * CA and a server certificate for {@code localhost} made with openssl) inputs that write each message, as rsyslog
 * parsed it, as one line of {@code received.log}: {@code PRI|VERSION|HOSTNAME|APP-NAME|PROCID|MSGID|SD|MSG}.
 *
 * <p>Needs {@code rsyslogd} with rsyslog-openssl and {@code openssl} (./run-tests installs them): fails, never skips,
 * without them. Shared with it-tests through the agent's test jar.
 */
public final class Rsyslog implements AutoCloseable {
  private static final String RSYSLOGD = "/usr/sbin/rsyslogd";

  public final Path dir;
  /** The CA that signed the server's certificate. */
  public final Path caCert;
  /** A CA that did not. */
  public final Path otherCaCert;
  public final int udpPort;
  public final int tcpPort;
  public final int tlsPort;
  private final Process process;

  private Rsyslog(Path dir, Process process, int udpPort) throws IOException {
    this.dir = dir;
    this.process = process;
    this.caCert = dir.resolve("ca.pem");
    this.otherCaCert = dir.resolve("other-ca.pem");
    this.udpPort = udpPort;
    await().atMost(Duration.ofSeconds(30)).until(() -> !process.isAlive() || (written(dir.resolve("tcp.port"))
        && written(dir.resolve("tls.port"))));
    if (!process.isAlive()) {
      throw new IllegalStateException("rsyslogd did not start: " + Files.readString(dir.resolve("rsyslogd.out")));
    }
    this.tcpPort = Integer.parseInt(Files.readString(dir.resolve("tcp.port")).trim());
    this.tlsPort = Integer.parseInt(Files.readString(dir.resolve("tls.port")).trim());
  }

  /** Starts rsyslogd with everything under {@code dir}; TCP ports are chosen by rsyslog, the UDP one just before. */
  public static Rsyslog start(Path dir) throws Exception {
    if (!Files.isExecutable(Path.of(RSYSLOGD))) {
      throw new IllegalStateException(RSYSLOGD + " is missing: apt-get install rsyslog rsyslog-openssl (./run-tests does)");
    }
    makeCertificates(dir);
    int udpPort;
    try (DatagramSocket probe = new DatagramSocket(0)) {
      udpPort = probe.getLocalPort(); // imudp cannot report a port it chose; a race with another binder is unlikely
    }
    String d = dir.toAbsolutePath().toString();
    String conf = String.join("\n",
        "global(workDirectory=\"" + d + "\" maxMessageSize=\"64k\"",
        "  defaultNetstreamDriverCAFile=\"" + d + "/ca.pem\"",
        "  defaultNetstreamDriverCertFile=\"" + d + "/server.pem\" defaultNetstreamDriverKeyFile=\"" + d + "/server.key\")",
        "module(load=\"imudp\")",
        "module(load=\"imtcp\" streamDriver.name=\"ossl\" streamDriver.mode=\"1\" streamDriver.authMode=\"anon\")",
        "input(type=\"imudp\" address=\"127.0.0.1\" port=\"" + udpPort + "\" ruleset=\"out\")",
        "input(type=\"imtcp\" address=\"127.0.0.1\" port=\"0\" listenPortFileName=\"" + d + "/tcp.port\""
            + " streamDriver.name=\"ptcp\" streamDriver.mode=\"0\" ruleset=\"out\")",
        "input(type=\"imtcp\" address=\"127.0.0.1\" port=\"0\" listenPortFileName=\"" + d + "/tls.port\" ruleset=\"out\")",
        "template(name=\"fields\" type=\"string\" string=\"%pri%|%protocol-version%|%hostname%|%app-name%|%procid%"
            + "|%msgid%|%structured-data%|%msg%\\n\")",
        "ruleset(name=\"out\") { action(type=\"omfile\" file=\"" + d + "/received.log\" template=\"fields\") }", "");
    Files.writeString(dir.resolve("rsyslog.conf"), conf);
    Process p = new ProcessBuilder(RSYSLOGD, "-n", "-f", d + "/rsyslog.conf", "-i", d + "/rsyslogd.pid")
        .redirectErrorStream(true).redirectOutput(dir.resolve("rsyslogd.out").toFile()).start();
    return new Rsyslog(dir, p, udpPort);
  }

  /** The messages received so far, one line each. */
  public List<String> received() throws IOException {
    Path f = dir.resolve("received.log");
    return Files.exists(f) ? Files.readAllLines(f, StandardCharsets.UTF_8) : List.of();
  }

  /** What rsyslogd said on its stdout and stderr (TLS errors land there), for failure messages. */
  public String diagnostics() throws IOException {
    return Files.readString(dir.resolve("rsyslogd.out"));
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static boolean written(Path portFile) throws IOException {
    return Files.exists(portFile) && Files.size(portFile) > 0;
  }

  /** A CA, a server certificate it signed for {@code localhost} only (not 127.0.0.1), and an unrelated CA. */
  private static void makeCertificates(Path dir) throws Exception {
    Files.writeString(dir.resolve("san.ext"), "subjectAltName=DNS:localhost\n");
    openssl(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=support-packet test CA");
    openssl(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", "other-ca.key", "-out", "other-ca.pem", "-days", "2", "-subj", "/CN=unrelated CA");
    openssl(dir, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost");
    openssl(dir, "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
        "-out", "server.pem", "-days", "2", "-extfile", "san.ext");
  }

  private static void openssl(Path dir, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("openssl"));
    cmd.addAll(Arrays.asList(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
    }
  }
}
