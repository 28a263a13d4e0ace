package dev.supportpacket.it.apps;

import java.io.FileWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * Target for the evidence tests, with the faults an order service would have: {@value #PRICER} recalculates prices
 * in a hot loop, {@value #STOCK_WRITER} holds the inventory lock for 300 ms at a time while order workers queue on
 * it, a housekeeping thread calls System.gc() twice a second, and the log ({@code logs/orders.log}, kept open) holds
 * {@value #ERRORS} planted ERROR lines whose text carries {@code password=<it.db.password>}. One worker is named with
 * {@code token=<it.db.password>}, so its name travels in JFR events.
 */
public final class OrderDeskApp {
  public static final String PRICER = "price-recalculator";
  public static final String STOCK_WRITER = "stock-writer";
  public static final int ERRORS = 7;

  private static final Object INVENTORY = new Inventory();
  private static volatile double checksum;

  /** The monitor's class names the culprit in a summary. */
  static final class Inventory {}

  private OrderDeskApp() {}

  public static void main(String[] args) throws Exception {
    String secret = System.getProperty("it.db.password", "none");
    Files.createDirectories(Paths.get("logs"));
    Writer log = new FileWriter("logs/orders.log", true);
    for (int i = 0; i < ERRORS; i++) {
      log.write("2026-11-30 06:13:0" + i + ".000 ERROR [main] com.acme.orders.PaymentGateway - payment " + (1000 + i)
          + " refused, login password=" + secret + " rejected\n");
      log.write("java.lang.IllegalStateException: gateway said no to password=" + secret + "\n");
      log.write("\tat com.acme.orders.PaymentGateway.charge(PaymentGateway.java:42)\n");
      log.write("2026-11-30 06:13:0" + i + ".500 INFO  [main] com.acme.orders.Desk - order " + i + " queued\n");
    }
    log.flush();
    start(PRICER, OrderDeskApp::recalculatePrices);
    start(STOCK_WRITER, OrderDeskApp::writeStock);
    for (int i = 1; i <= 3; i++) {
      start(i == 3 ? "order-worker-3 token=" + secret : "order-worker-" + i, OrderDeskApp::takeOrders);
    }
    start("housekeeping", OrderDeskApp::housekeeping);
    Ready.announce();
    log.close();
  }

  private static void start(String name, Runnable r) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.start();
  }

  static void recalculatePrices() {
    double x = 0;
    while (true) {
      for (int i = 1; i < 1_000_000; i++) {
        x += Math.sqrt(i) * Math.sin(x);
      }
      checksum = x;
    }
  }

  static void writeStock() {
    while (true) {
      synchronized (INVENTORY) {
        pause(300);
      }
      pause(5);
    }
  }

  static void takeOrders() {
    while (true) {
      synchronized (INVENTORY) {
        checksum++;
      }
      pause(10);
    }
  }

  static void housekeeping() {
    List<byte[]> scratch = new ArrayList<>();
    while (true) {
      scratch.add(new byte[64 * 1024]);
      if (scratch.size() > 16) {
        scratch.clear();
      }
      System.gc();
      pause(500);
    }
  }

  private static void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

}
