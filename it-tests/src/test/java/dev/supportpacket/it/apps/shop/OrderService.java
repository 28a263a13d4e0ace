package dev.supportpacket.it.apps.shop;

import dev.supportpacket.it.apps.Ready;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Prices orders by asking a quote server over a socket, with no read timeout. The quote server (a local one that
 * accepts and never answers, like a hung upstream) leaves every pricing worker waiting: blocked I/O that starves
 * the pool while orders queue up.
 */
public final class OrderService {
  private OrderService() {}

  public static void main(String[] args) throws Exception {
    ServerSocket quotes = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    List<Socket> held = new ArrayList<>();
    Thread server = new Thread(() -> {
      while (true) {
        try {
          held.add(quotes.accept());
        } catch (Exception e) {
          return;
        }
      }
    }, "quote-server");
    server.setDaemon(true);
    server.start();
    AtomicInteger n = new AtomicInteger();
    ExecutorService pricing = Executors.newFixedThreadPool(3, r -> {
      Thread t = new Thread(r, "order-pricing-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    for (int order = 0; order < 50; order++) {
      pricing.submit(() -> price(quotes.getLocalPort()));
    }
    Thread.sleep(300);
    Ready.announce();
  }

  static int price(int port) {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.getOutputStream().write("QUOTE sku-1\n".getBytes());
      return fetchQuote(s.getInputStream());
    } catch (Exception e) {
      return -1;
    }
  }

  static int fetchQuote(InputStream in) throws Exception {
    return in.read();
  }
}
