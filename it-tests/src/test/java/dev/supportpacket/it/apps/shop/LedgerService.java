package dev.supportpacket.it.apps.shop;

import dev.supportpacket.it.apps.Ready;

/** Posts entries to a ledger whose one lock is held while each entry is written slowly: a convoy. */
public final class LedgerService {
  private static final Object LEDGER = new Object();

  private LedgerService() {}

  public static void main(String[] args) throws Exception {
    for (int i = 1; i <= 5; i++) {
      Thread t = new Thread(LedgerService::postForever, "ledger-poster-" + i);
      t.setDaemon(true);
      t.start();
    }
    Ready.announce();
  }

  static void postForever() {
    while (true) {
      post();
    }
  }

  static void post() {
    synchronized (LEDGER) {
      long until = System.nanoTime() + 40_000_000;
      while (System.nanoTime() < until) {
        Thread.onSpinWait();
      }
    }
  }
}
