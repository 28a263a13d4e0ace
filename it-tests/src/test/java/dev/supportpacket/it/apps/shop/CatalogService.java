package dev.supportpacket.it.apps.shop;

import dev.supportpacket.it.apps.Ready;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A healthy service, idle or busy: an accept loop, a scheduled refresh, and (with "busy") request workers doing
 * varied short work with pauses, as a service under moderate load. Must get no warning. One thread carries a name
 * that would break out of a page that does not escape it.
 */
public final class CatalogService {
  static volatile long sink;

  private CatalogService() {}

  public static void main(String[] args) throws Exception {
    ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    daemon("catalog-acceptor", () -> {
      try {
        while (true) {
          server.accept().close();
        }
      } catch (Exception e) {
        // closed
      }
    });
    ScheduledExecutorService refresh = Executors.newScheduledThreadPool(1);
    refresh.scheduleAtFixedRate(() -> sink++, 100, 100, TimeUnit.MILLISECONDS);
    daemon("catalog-</script><script>alert(1)</script>", CatalogService::sleepForever);
    if (args.length > 0 && args[0].equals("busy")) {
      for (int i = 1; i <= 2; i++) {
        daemon("catalog-request-" + i, CatalogService::serve);
      }
    }
    Ready.announce();
  }

  private static void daemon(String name, Runnable r) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.start();
  }

  private static void sleepForever() {
    try {
      Thread.sleep(Long.MAX_VALUE);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** About half a core per worker: parse, price, render, then wait for the next request. */
  private static void serve() {
    long n = 0;
    while (true) {
      n++;
      sink += n % 3 == 0 ? parse(400_000) : n % 3 == 1 ? price(400_000) : render(400_000);
      try {
        Thread.sleep(2);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  static long parse(int k) {
    long h = 0;
    for (int i = 0; i < k; i++) {
      h = h * 31 + i;
    }
    return h;
  }

  static long price(int k) {
    double p = 1;
    for (int i = 1; i < k; i++) {
      p += Math.sqrt(i);
    }
    return (long) p;
  }

  static long render(int k) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < k / 10; i++) {
      sb.append(i % 10);
    }
    return sb.length();
  }
}
