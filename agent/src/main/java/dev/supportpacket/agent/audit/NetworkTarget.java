package dev.supportpacket.agent.audit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Sends records off the host: the {@code syslog} target (RFC 5424 messages over UDP, or octet-counted over TCP or
 * TLS) and the {@code tcp} target (newline- or NUL-delimited over TCP, optionally TLS).
 *
 * <p>Each batch opens its own connection and closes it: records are few (one per packet, plus seals), and a fresh
 * connection finds a server that went away at once, where a kept one would write into a dead socket's buffer. A
 * connection that fails mid-batch has the whole batch sent again: a receiver may see a record twice, never miss one
 * silently. Over UDP nothing tells that a datagram was lost.
 */
final class NetworkTarget extends ConfiguredTarget {
  /** The transport, with the port a syslog server listens on by default. */
  enum Protocol {
    UDP(514), TCP(514), TLS(6514);

    final int syslogPort;

    Protocol(int syslogPort) {
      this.syslogPort = syslogPort;
    }
  }

  private final String host;
  private final int port;
  private final Protocol protocol;
  private final Tls tls;
  private final int connectTimeoutMillis;
  private final Function<AuditRecord, String> message;
  private final Framing framing;

  /**
   * @param tls how to secure the connection; used, and then non-null, only with {@link Protocol#TLS}
   * @param message the whole message of one record (a syslog line, or the record in the target's format)
   * @param framing how messages are delimited on a stream; unused over UDP
   */
  NetworkTarget(String name, Set<AuditRecord.Level> levels, String host, int port, Protocol protocol, Tls tls,
      Duration connectTimeout, Function<AuditRecord, String> message, Framing framing) {
    super(name, levels);
    this.host = host;
    this.port = port;
    this.protocol = protocol;
    this.tls = tls;
    this.connectTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis());
    this.message = message;
    this.framing = framing;
  }

  @Override
  public boolean offHost() {
    return true;
  }

  @Override
  public void write(List<AuditRecord> batch) throws IOException {
    if (protocol == Protocol.UDP) {
      try (DatagramSocket socket = new DatagramSocket()) {
        InetSocketAddress to = new InetSocketAddress(host, port);
        for (AuditRecord r : batch) {
          byte[] b = message.apply(r).getBytes(StandardCharsets.UTF_8);
          socket.send(new DatagramPacket(b, b.length, to));
        }
      }
      return;
    }
    ByteArrayOutputStream frames = new ByteArrayOutputStream();
    for (AuditRecord r : batch) {
      frames.write(framing.frame(message.apply(r)));
    }
    try (Socket socket = connect()) {
      OutputStream out = socket.getOutputStream();
      frames.writeTo(out);
      out.flush();
    }
  }

  private Socket connect() throws IOException {
    Socket plain = new Socket();
    try {
      // Also bounds the TLS handshake: a server that accepts and then says nothing must not hold the sender forever.
      plain.setSoTimeout(connectTimeoutMillis);
      plain.connect(new InetSocketAddress(host, port), connectTimeoutMillis);
      return protocol == Protocol.TLS ? tls.handshake(plain, host, port) : plain;
    } catch (IOException | RuntimeException e) {
      plain.close();
      throw new IOException(protocol + " " + host + ":" + port + ": " + e.getMessage(), e);
    }
  }
}
