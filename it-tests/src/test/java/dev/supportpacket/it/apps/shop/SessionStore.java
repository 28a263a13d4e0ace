package dev.supportpacket.it.apps.shop;

import dev.supportpacket.it.apps.Ready;
import java.util.ArrayList;
import java.util.List;

/** Keeps every session forever and keeps creating short-lived request data: a heap nearly full, GC thrashing. */
public final class SessionStore {
  private static final List<byte[]> SESSIONS = new ArrayList<>();
  static volatile byte[] request;

  private SessionStore() {}

  public static void main(String[] args) throws Exception {
    long max = Runtime.getRuntime().maxMemory();
    while (used() < max * 88 / 100) {
      SESSIONS.add(new byte[256 * 1024]);
    }
    Thread churn = new Thread(() -> {
      while (true) {
        request = new byte[64 * 1024];
      }
    }, "session-requests");
    churn.setDaemon(true);
    churn.start();
    Ready.announce();
  }

  private static long used() {
    Runtime r = Runtime.getRuntime();
    return r.totalMemory() - r.freeMemory();
  }
}
