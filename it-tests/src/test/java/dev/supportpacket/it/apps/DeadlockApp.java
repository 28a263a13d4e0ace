package dev.supportpacket.it.apps;

import java.util.concurrent.CountDownLatch;

/** Target whose two threads deadlock on two monitors, taken in opposite order. */
public final class DeadlockApp {
  public static final String LEFT = "it-deadlock-left";
  public static final String RIGHT = "it-deadlock-right";

  private DeadlockApp() {}

  public static void main(String[] args) throws Exception {
    Object a = new Object();
    Object b = new Object();
    CountDownLatch bothHoldOne = new CountDownLatch(2);
    start(LEFT, a, b, bothHoldOne);
    start(RIGHT, b, a, bothHoldOne);
    bothHoldOne.await();
    Ready.announce();
  }

  private static void start(String name, Object first, Object second, CountDownLatch latch) {
    Thread t = new Thread(() -> {
      synchronized (first) {
        latch.countDown();
        try {
          latch.await();
        } catch (InterruptedException e) {
          return;
        }
        synchronized (second) {
          System.out.println("never");
        }
      }
    }, name);
    t.setDaemon(true);
    t.start();
  }
}
