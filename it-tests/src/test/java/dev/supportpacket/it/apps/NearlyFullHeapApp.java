package dev.supportpacket.it.apps;

import java.util.ArrayList;
import java.util.List;

/**
 * A sick target: {@code -Dit.live=0.95} of the maximum heap held live, {@code -Dit.allocMbPerSecond=20} of
 * short-lived garbage made on top, and a heartbeat thread that prints {@code beat <n> <epoch ms>} every 100 ms: its
 * own proof of life. Anything of the application that dies of an {@link OutOfMemoryError} prints
 * {@value #OOM_LINE} first, so that the test sees it even when the heartbeat cannot say so any more.
 */
public final class NearlyFullHeapApp {
  public static final String OOM_LINE = "app: OutOfMemoryError";
  public static final String BEAT = "beat ";
  static final int CHUNK = 16 * 1024;

  /** Held live for the life of the process. */
  private static final List<byte[]> LIVE = new ArrayList<>();
  /** Written to, so that the garbage is not optimised away. */
  static volatile byte[] sink;

  private NearlyFullHeapApp() {}

  public static void main(String[] args) throws Exception {
    fill(Double.parseDouble(System.getProperty("it.live", "0.95")));
    start("it-allocator", NearlyFullHeapApp::allocate);
    start("it-heartbeat", NearlyFullHeapApp::beat);
    Ready.announce();
  }

  /**
   * Holds chunks until the heap in use after a full GC is {@code live} of the maximum: the JVM's own objects count
   * too, and differ between JDKs.
   */
  private static void fill(double live) {
    Runtime rt = Runtime.getRuntime();
    long target = (long) (rt.maxMemory() * live);
    for (int round = 0; round < 5; round++) {
      System.gc();
      long used = rt.totalMemory() - rt.freeMemory();
      for (long missing = target - used; missing > 0; missing -= CHUNK) {
        LIVE.add(new byte[CHUNK]);
      }
      for (long extra = used - target; extra > CHUNK && !LIVE.isEmpty(); extra -= CHUNK) {
        LIVE.remove(LIVE.size() - 1);
      }
    }
    System.gc();
    System.out.println("live " + (rt.totalMemory() - rt.freeMemory()) * 100 / rt.maxMemory() + "% of "
        + (rt.maxMemory() >> 20) + " MB");
  }

  private static void start(String name, Runnable r) {
    Thread t = new Thread(() -> {
      try {
        r.run();
      } catch (OutOfMemoryError e) {
        System.out.println(OOM_LINE + " in " + Thread.currentThread().getName());
        throw e;
      }
    }, name);
    t.setDaemon(true);
    t.start();
  }

  private static void allocate() {
    int perTenMillis = Integer.getInteger("it.allocMbPerSecond", 20) * 1024 * 1024 / 100;
    while (true) {
      for (int made = 0; made < perTenMillis; made += CHUNK) {
        sink = new byte[CHUNK];
      }
      pause(10);
    }
  }

  private static void beat() {
    for (long n = 0; ; n++) {
      System.out.println(BEAT + n + " " + System.currentTimeMillis());
      pause(100);
    }
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
