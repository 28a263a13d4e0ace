package dev.supportpacket.agent.audit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** An in-test TCP receiver on loopback: keeps every byte it is sent, over any number of connections. */
final class Receiver implements AutoCloseable {
  private final ServerSocket server;
  private final ByteArrayOutputStream received = new ByteArrayOutputStream();

  /** @param port 0 for any free port */
  Receiver(int port) throws IOException {
    server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    Thread t = new Thread(this::accept, "test-receiver");
    t.setDaemon(true);
    t.start();
  }

  /** A port nobody listens on now (to start a receiver there later). */
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  int port() {
    return server.getLocalPort();
  }

  /** The complete frames received so far, split at {@code delimiter} (a trailing partial frame is left out). */
  List<String> frames(char delimiter) {
    String all;
    synchronized (received) {
      all = new String(received.toByteArray(), StandardCharsets.UTF_8);
    }
    List<String> frames = new ArrayList<>();
    int start = 0;
    for (int end; (end = all.indexOf(delimiter, start)) >= 0; start = end + 1) {
      frames.add(all.substring(start, end));
    }
    return frames;
  }

  private void accept() {
    while (!server.isClosed()) {
      try (Socket s = server.accept(); InputStream in = s.getInputStream()) {
        byte[] buf = new byte[8192];
        for (int n; (n = in.read(buf)) > 0; ) {
          synchronized (received) {
            received.write(buf, 0, n);
          }
        }
      } catch (IOException e) {
        // closed by the test, or the sender hung up: take the next connection
      }
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
