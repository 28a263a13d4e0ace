import java.io.IOException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * The JVM the benchmark measures, run as a source file ({@code java bench/BenchTarget.java}) so that nothing of it
 * ships in the product. It looks like a modest service: a few thousand loaded classes, a few hundred MB of live heap
 * in millions of small objects, two threads that work in bursts (about one core on a 2-core machine, with some
 * garbage so that young GCs happen as in real life) and a couple of dozen idle threads in the usual states.
 *
 * <p>Arguments: {@code <ready-file> [live-heap-MB]}. The ready file is written once everything is built, so that the
 * script does not measure a JVM that is still warming up its heap.
 */
public final class BenchTarget {
  /** Kept reachable for the life of the process: the "live heap". */
  static final Map<String, Item> CACHE = new HashMap<>();
  static final List<byte[]> BUFFERS = new ArrayList<>();
  static final List<Object> CLASSES_IN_USE = new ArrayList<>();
  static volatile long sink;

  record Item(long id, String name, int[] counters, Item previous) {}

  public static void main(String[] args) throws Exception {
    Path ready = Paths.get(args[0]);
    int liveMb = args.length > 1 ? Integer.parseInt(args[1]) : 300;

    int classes = loadPlatformClasses(6000) + defineProxyClasses(1500);
    buildHeap(liveMb);
    startIdleThreads();
    startBusyThread("bench-busy-hash", BenchTarget::hashWork);
    startBusyThread("bench-busy-alloc", BenchTarget::allocationWork);

    Files.writeString(ready, "classes=" + classes + " items=" + CACHE.size() + "\n");
    System.out.println("BenchTarget ready: " + classes + " classes loaded by it, " + CACHE.size() + " items, "
        + BUFFERS.size() + " MB in buffers");
    Thread.currentThread().join(); // until the script kills us
  }

  /** Loads (without initialising) classes of a few JDK modules, as a framework-heavy application would. */
  static int loadPlatformClasses(int max) throws IOException {
    FileSystem jrt = FileSystems.getFileSystem(URI.create("jrt:/"));
    int loaded = 0;
    for (String module : List.of("java.base", "java.desktop", "java.xml", "java.sql", "java.management", "java.logging")) {
      List<String> names;
      try (Stream<Path> files = Files.walk(jrt.getPath("/modules", module))) {
        names = files.map(p -> p.toString()).filter(s -> s.endsWith(".class") && !s.endsWith("module-info.class"))
            .map(s -> s.substring(("/modules/" + module + "/").length(), s.length() - ".class".length()).replace('/', '.'))
            .toList();
      }
      for (String name : names) {
        if (loaded >= max) {
          return loaded;
        }
        try {
          CLASSES_IN_USE.add(Class.forName(name, false, ClassLoader.getSystemClassLoader()));
          loaded++;
        } catch (Throwable ignored) {
          // some classes need things this JVM lacks (e.g. a display); skip them
        }
      }
    }
    return loaded;
  }

  /** One proxy class per class loader: generated classes, as Spring, Hibernate or mocking libraries create. */
  static int defineProxyClasses(int count) {
    for (int i = 0; i < count; i++) {
      ClassLoader loader = new URLClassLoader(new URL[0], BenchTarget.class.getClassLoader());
      Object proxy = Proxy.newProxyInstance(loader, new Class<?>[] {Runnable.class, Comparable.class},
          (p, m, a) -> m.getName().equals("hashCode") ? 1 : null);
      CLASSES_IN_USE.add(proxy);
    }
    return count;
  }

  /** About two thirds of the live heap in small objects (maps, records, strings, arrays), the rest in 1-MB buffers. */
  static void buildHeap(int liveMb) {
    long smallBytes = liveMb * 1024L * 1024L * 2 / 3;
    int items = (int) (smallBytes / 200); // an entry costs about 200 bytes: node, key, record, counters
    Item previous = null;
    for (int i = 0; i < items; i++) {
      Item item = new Item(i, "item-" + i, new int[4 + i % 8], i % 16 == 0 ? null : previous);
      CACHE.put("key-" + Integer.toHexString(i), item);
      previous = item;
    }
    int buffers = liveMb / 3;
    for (int i = 0; i < buffers; i++) {
      byte[] b = new byte[1024 * 1024];
      b[i % b.length] = (byte) i;
      BUFFERS.add(b);
    }
  }

  /** Threads that wait the way idle server threads do: pool workers, sleepers, monitor and lock waiters, parkers. */
  static void startIdleThreads() throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(8, r -> daemon(r, "bench-pool-worker"));
    CountDownLatch started = new CountDownLatch(8);
    for (int i = 0; i < 8; i++) {
      pool.execute(started::countDown);
    }
    started.await();
    Object monitor = new Object();
    ReentrantLock lock = new ReentrantLock();
    lock.lock(); // held by main forever: the lock waiters below stay blocked
    for (int i = 0; i < 4; i++) {
      daemon(() -> deep(40, () -> sleepForever()), "bench-idle-sleeper-" + i).start();
      daemon(() -> deep(20, () -> {
        synchronized (monitor) {
          try {
            monitor.wait();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      }), "bench-idle-monitor-waiter-" + i).start();
      daemon(() -> deep(10, lock::lock), "bench-idle-lock-waiter-" + i).start();
      daemon(() -> deep(60, () -> LockSupport.park()), "bench-idle-parked-" + i).start();
    }
  }

  static void startBusyThread(String name, Runnable work) {
    daemon(() -> {
      while (true) {
        long until = System.nanoTime() + 20_000_000L;
        while (System.nanoTime() < until) {
          work.run();
        }
        try {
          Thread.sleep(20); // bursts of 20 ms: two such threads keep about one of two cores busy
        } catch (InterruptedException e) {
          return;
        }
      }
    }, name).start();
  }

  static void hashWork() {
    long h = sink;
    for (int i = 0; i < 10_000; i++) {
      h = h * 31 + (h >>> 7) + i;
    }
    sink = h;
  }

  static void allocationWork() {
    // short-lived garbage (about 50 MB/s) plus a lookup in the live map: young GCs every second or so
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 100; i++) {
      sb.append(i).append(',');
    }
    Item item = CACHE.get("key-" + Integer.toHexString((int) (sink & 0xffff)));
    sink += sb.toString().hashCode() + (item == null ? 0 : item.id());
  }

  /** Runs {@code body} below {@code depth} extra frames, so that stacks in the thread dump are realistic. */
  static void deep(int depth, Runnable body) {
    if (depth == 0) {
      body.run();
    } else {
      deep(depth - 1, body);
    }
  }

  static void sleepForever() {
    try {
      Thread.sleep(Long.MAX_VALUE);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }
}
