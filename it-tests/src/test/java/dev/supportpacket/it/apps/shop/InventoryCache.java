package dev.supportpacket.it.apps.shop;

import dev.supportpacket.it.apps.Ready;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/** A cache refreshed and evicted by two threads that take its two locks in opposite order: a deadlock. */
public final class InventoryCache {
  private final Map<String, Integer> stock = new HashMap<>();
  private final Object stockLock = new Object();
  private final Object indexLock = new Object();
  private final CountDownLatch bothIn = new CountDownLatch(2);

  public static void main(String[] args) throws Exception {
    InventoryCache cache = new InventoryCache();
    start("inventory-refresh", cache::refresh);
    start("inventory-evict", cache::evict);
    cache.bothIn.await();
    Thread.sleep(200);
    Ready.announce();
  }

  private static void start(String name, Runnable r) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.start();
  }

  void refresh() {
    synchronized (stockLock) {
      arrive();
      synchronized (indexLock) {
        stock.put("sku-1", 1);
      }
    }
  }

  void evict() {
    synchronized (indexLock) {
      arrive();
      synchronized (stockLock) {
        stock.remove("sku-1");
      }
    }
  }

  private void arrive() {
    bothIn.countDown();
    try {
      bothIn.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
