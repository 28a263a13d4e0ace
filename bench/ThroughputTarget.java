import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A busy application for bench/throughput-cost.sh: one thread does CPU-bound work without pause and counts it; every
 * 100 ms a reporter appends "epoch-ms count" to the file named by the first argument, so that the script can compare
 * the work done in any window with the work done just before. The second argument is the live heap to hold, in MB
 * (a service has data). Started from source by the script: nothing here ships in the product.
 */
public final class ThroughputTarget {
  private static final AtomicLong DONE = new AtomicLong();
  private static final List<byte[]> LIVE = new ArrayList<>();

  public static void main(String[] args) throws Exception {
    Path counts = Path.of(args[0]);
    int liveMb = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    for (int i = 0; i < liveMb * 16; i++) {
      LIVE.add(new byte[64 * 1024]);
    }
    Thread worker = new Thread(ThroughputTarget::work, "bench-worker");
    worker.setDaemon(true);
    worker.start();
    while (true) {
      Thread.sleep(100);
      Files.writeString(counts, System.currentTimeMillis() + " " + DONE.get() + "\n", StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    }
  }

  /** Hashing a small array: CPU only, a little garbage, like request handling. */
  private static void work() {
    long h = 17;
    while (true) {
      int[] a = new int[64];
      for (int round = 0; round < 1000; round++) {
        for (int i = 0; i < a.length; i++) {
          a[i] = (int) (h = h * 31 + i);
        }
      }
      if (h == 42) {
        System.out.println(h);
      }
      DONE.incrementAndGet();
    }
  }
}
