package dev.supportpacket.it.apps.shop;

import dev.supportpacket.it.apps.Ready;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.FileHandler;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/** Calls a payment provider that refuses every connection and logs each failure at SEVERE: an error storm. */
public final class PaymentGateway {
  private static final Logger LOG = Logger.getLogger("com.acme.pay.PaymentGateway");

  private PaymentGateway() {}

  public static void main(String[] args) throws Exception {
    Path logs = Files.createDirectories(Path.of("logs"));
    FileHandler file = new FileHandler(logs.resolve("payments.log").toString());
    file.setFormatter(new SimpleFormatter());
    LOG.addHandler(file);
    LOG.setUseParentHandlers(false);
    Thread t = new Thread(() -> {
      while (true) {
        try {
          charge();
        } catch (IllegalStateException e) {
          LOG.log(Level.SEVERE, "payment failed for order", e);
        }
        try {
          Thread.sleep(5);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "payment-retry");
    t.setDaemon(true);
    t.start();
    Thread.sleep(500);
    Ready.announce();
  }

  static void charge() {
    throw new IllegalStateException("Connection refused: payments provider");
  }
}
