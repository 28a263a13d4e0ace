import dev.supportpacket.agent.DefaultCollectors;
import dev.supportpacket.agent.collect.CollectContext;
import dev.supportpacket.agent.collect.Collector;
import dev.supportpacket.agent.collect.CollectorRunner;
import dev.supportpacket.agent.collect.Progress;
import dev.supportpacket.agent.collect.profile.CpuProfileCollector;
import dev.supportpacket.agent.options.PacketOptions;
import dev.supportpacket.agent.packet.MemorySink;
import dev.supportpacket.agent.packet.Packet;
import dev.supportpacket.agent.sanitize.Sanitizer;
import java.io.ByteArrayOutputStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.concurrent.atomic.LongAdder;
import java.util.zip.DeflaterOutputStream;

/**
 * What the evidence of issue 14 (JFR events, three thread snapshots, two JVM readings) costs a busy CPU-bound
 * target, in-process, the way the agent runs it: every core busy with a service-like loop (hash maps, strings, short
 * lived garbage) beside 60 idle threads in the usual states (sleeping with monitors held, parked pool workers,
 * waiting on a monitor), then rounds of the 5-s window in rotating order: nothing; the CPU profile with one thread
 * dump with locked monitors (what the packet paid before issue 14, the heap histogram aside: its walk depends on the
 * heap, not on the evidence); the CPU profile with the evidence collectors (whose first snapshot is the packet's
 * thread dump). Prints ops/s (median of the rounds) side by side, the GC and safepoint time of each window, the
 * safepoints other than GC's per window by VM operation (read from the JVM's own -Xlog:safepoint, given by the
 * script), and the size the evidence entries add to a packet (deflated, as in the zip).
 * Run by bench/evidence-overhead.sh, which puts the agent's classes on the class path; nothing of it ships.
 */
public final class EvidenceOverhead {
  static final LongAdder OPS = new LongAdder();
  /** The packet's collectors that overlap the window and stop the JVM or record: the profile, threads, evidence. */
  static final Set<String> EVIDENCE_RUN =
      Set.of("cpu-profile", "jfr-events", "thread-snapshots", "jvm-readings", "thread-dump");
  static volatile long sink;
  static boolean safepointWarned;

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    int workers = Runtime.getRuntime().availableProcessors();
    Map<String, Object> keep = Collections.synchronizedMap(new HashMap<>());
    for (int i = 0; i < workers; i++) {
      Thread t = new Thread(() -> work(keep), "bench-worker-" + i);
      t.setDaemon(true);
      t.start();
    }
    IdleThreads.start(20);
    PacketOptions options = PacketOptions.builder().build();
    Path scratch = Files.createTempDirectory("evidence-bench");
    String[] modes = {"none", "profile+dump", "profile+evidence"};
    Map<String, List<Double>> opsPerSec = new HashMap<>();
    Map<String, List<Long>> gcMs = new HashMap<>();
    Map<String, List<Long>> safepointMs = new HashMap<>();
    Map<String, Long> evidenceBytes = new HashMap<>();
    List<Window> windows = new ArrayList<>();
    runWindow("profile+evidence", options, scratch, null); // warm-up: JIT, JFR start, class loading
    for (int r = 0; r < rounds; r++) {
      for (int k = 0; k < modes.length; k++) {
        String mode = modes[(r + k) % modes.length];
        long ops0 = OPS.sum();
        long gc0 = gcMillis();
        long sp0 = safepointMillis();
        long t0 = System.nanoTime();
        long up0 = ManagementFactory.getRuntimeMXBean().getUptime();
        runWindow(mode, options, scratch, mode.equals("profile+evidence") ? evidenceBytes : null);
        double secs = (System.nanoTime() - t0) / 1e9;
        windows.add(new Window(mode, up0, ManagementFactory.getRuntimeMXBean().getUptime()));
        opsPerSec.computeIfAbsent(mode, m -> new ArrayList<>()).add((OPS.sum() - ops0) / secs);
        gcMs.computeIfAbsent(mode, m -> new ArrayList<>()).add(gcMillis() - gc0);
        safepointMs.computeIfAbsent(mode, m -> new ArrayList<>()).add(sp0 < 0 ? -1 : safepointMillis() - sp0);
      }
    }
    double base = median(opsPerSec.get("profile+dump"));
    System.out.printf("%-18s %14s %10s %12s %14s%n", "window", "ops/s median", "vs before", "GC ms med", "safepoint ms");
    for (String mode : modes) {
      double m = median(opsPerSec.get(mode));
      System.out.printf("%-18s %14.0f %9.1f%% %12d %14d%n", mode, m, (m / base - 1) * 100,
          (long) median(toDouble(gcMs.get(mode))), (long) median(toDouble(safepointMs.get(mode))));
    }
    String log = System.getProperty("safepointLog");
    if (log != null) {
      SafepointLog.print(Path.of(log), windows, modes, rounds);
    }
    long total = 0;
    for (Map.Entry<String, Long> e : evidenceBytes.entrySet()) {
      System.out.printf("entry %-28s %8d bytes deflated (last round)%n", e.getKey(), e.getValue());
      total += e.getValue();
    }
    System.out.printf("evidence adds %d KB to the packet (deflated), rounds=%d, workers=%d%n", total / 1024, rounds,
        workers);
  }

  static void runWindow(String mode, PacketOptions options, Path scratch, Map<String, Long> sizes) throws Exception {
    List<Collector> collectors = new ArrayList<>();
    if (mode.equals("none")) {
      Thread.sleep(options.profileDuration().toMillis());
      return;
    }
    if (mode.equals("profile+dump")) {
      collectors.add(new CpuProfileCollector());
      collectors.add(new ThreadDumpBeforeEvidence());
    } else {
      for (Collector c : DefaultCollectors.all()) {
        if (EVIDENCE_RUN.contains(c.id())) {
          collectors.add(c);
        }
      }
    }
    MemorySink memory = new MemorySink();
    Packet packet = new Packet(Sanitizer.withRandomKey(), memory);
    new CollectorRunner().run(collectors, new CollectContext(options, scratch, Progress.NONE), packet)
        .forEach(o -> {
          if (o.status != dev.supportpacket.agent.report.Outcome.Status.OK) {
            System.err.println(o.collector + " " + o.status + " " + o.reason);
          }
        });
    if (sizes != null) {
      for (String name : List.of("threads/snapshots.json", "jvm/readings.json", "jvm/events.json",
          "profile/events.jfr")) {
        byte[] b = memory.entries().get(name);
        sizes.put(name, b == null ? -1 : deflated(b));
      }
    }
  }

  static long deflated(byte[] b) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DeflaterOutputStream d = new DeflaterOutputStream(out)) {
      d.write(b);
    }
    return out.size();
  }

  /** A service-like unit of work: a map lookup, a string built and parsed, a little garbage. */
  static void work(Map<String, Object> keep) {
    long i = 0;
    Map<String, Integer> local = new HashMap<>();
    while (true) {
      String key = "order-" + (i % 4096);
      Integer v = local.get(key);
      local.put(key, v == null ? 1 : v + 1);
      sink += Integer.parseInt(Long.toString(i % 100_000)) + key.hashCode();
      if (i % 1000 == 0) {
        keep.put(key, new byte[256]);
      }
      i++;
      OPS.increment();
    }
  }

  static long gcMillis() {
    long t = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      t += gc.getCollectionTime();
    }
    return t;
  }

  /** Total time at safepoints (thread dumps stop the world there), from HotSpot's own counter; -1 when hidden. */
  static long safepointMillis() {
    try {
      Object runtime = Class.forName("sun.management.ManagementFactoryHelper")
          .getMethod("getHotspotRuntimeMBean").invoke(null);
      java.lang.reflect.Method m = runtime.getClass().getMethod("getTotalSafepointTime");
      m.setAccessible(true);
      return (Long) m.invoke(runtime);
    } catch (ReflectiveOperationException | RuntimeException e) {
      if (!safepointWarned) {
        safepointWarned = true;
        System.err.println("safepoint time not readable: " + e);
      }
      return -1;
    }
  }

  static List<Double> toDouble(List<Long> l) {
    List<Double> d = new ArrayList<>();
    l.forEach(x -> d.add((double) x));
    return d;
  }

  static double median(List<Double> l) {
    List<Double> s = new ArrayList<>(l);
    Collections.sort(s);
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
  }

  /** What the packet paid for threads before issue 14: one dump of every thread with its locked monitors. */
  static final class ThreadDumpBeforeEvidence implements Collector {
    @Override
    public String id() {
      return "thread-dump-before";
    }

    @Override
    public void collect(CollectContext ctx, Packet packet) {
      ThreadMXBean mx = ManagementFactory.getThreadMXBean();
      sink += mx.dumpAllThreads(mx.isObjectMonitorUsageSupported(), false).length;
    }
  }

  /** One window of the bench, in the JVM's uptime (the clock of -Xlog's {@code uptimemillis}). */
  static final class Window {
    final String mode;
    final long fromMs;
    final long toMs;

    Window(String mode, long fromMs, long toMs) {
      this.mode = mode;
      this.fromMs = fromMs;
      this.toMs = toMs;
    }
  }

  /** Safepoints other than GC's, per window and VM operation, from {@code -Xlog:safepoint:file=…:uptimemillis}. */
  static final class SafepointLog {
    // JDK 17: Safepoint "ThreadDump", Time since last: … ns, Reaching safepoint: … ns, At safepoint: … ns, Total: … ns
    // JDK 25 adds Cleanup and Leaving safepoint; Total is the whole pause either way.
    static final Pattern LINE = Pattern.compile(
        "^\\[(\\d+)ms\\].*Safepoint \"([^\"]+)\".*Reaching safepoint: (\\d+) ns.*Total: (\\d+) ns");

    static void print(Path log, List<Window> windows, String[] modes, int rounds) throws Exception {
      // mode -> op -> {count, total ns, reaching ns}
      Map<String, Map<String, long[]>> byMode = new HashMap<>();
      Map<String, List<Double>> perWindow = new HashMap<>();
      Map<Window, long[]> windowNs = new HashMap<>();
      for (String line : Files.readAllLines(log)) {
        Matcher m = LINE.matcher(line);
        if (!m.find()) {
          continue;
        }
        long at = Long.parseLong(m.group(1));
        String op = m.group(2);
        if (op.startsWith("G1") || op.contains("GC") || op.startsWith("CollectFor")) {
          continue;
        }
        for (Window w : windows) {
          // Windows follow each other closely: a pause at the start of one must not count for the one before.
          if (at >= w.fromMs && at <= w.toMs) {
            long[] c = byMode.computeIfAbsent(w.mode, k -> new TreeMap<>()).computeIfAbsent(op, k -> new long[3]);
            c[0]++;
            c[1] += Long.parseLong(m.group(4));
            c[2] += Long.parseLong(m.group(3));
            windowNs.computeIfAbsent(w, k -> new long[1])[0] += Long.parseLong(m.group(4));
            break;
          }
        }
      }
      for (Window w : windows) {
        long[] ns = windowNs.getOrDefault(w, new long[1]);
        perWindow.computeIfAbsent(w.mode, k -> new ArrayList<>()).add(ns[0] / 1e6);
      }
      System.out.println("safepoints other than GC per window (from -Xlog:safepoint), mean of " + rounds
          + " windows: count, ms (of which reaching the safepoint)");
      for (String mode : modes) {
        System.out.printf("%-18s median %6.1f ms, max %6.1f ms per window%n", mode, median(perWindow.get(mode)),
            Collections.max(perWindow.get(mode)));
        byMode.getOrDefault(mode, Map.of()).forEach((op, c) -> System.out.printf(
            "    %-28s %5.1f x %7.2f ms (reaching %5.2f)%n", op, (double) c[0] / rounds, c[1] / 1e6 / rounds,
            c[2] / 1e6 / rounds));
      }
    }
  }

  /**
   * Threads a service has besides its busy ones, each a few frames deep: asleep holding a monitor, parked pool
   * workers, waiting on a monitor. A thread dump's pause grows with them (stacks to walk, monitors to list).
   */
  static final class IdleThreads {
    static void start(int each) throws InterruptedException {
      CountDownLatch ready = new CountDownLatch(3 * each);
      for (int i = 0; i < each; i++) {
        Object held = new Object();
        Object waitedOn = new Object();
        daemon("bench-sleeper-" + i, () -> deep(12, () -> {
          synchronized (held) {
            ready.countDown();
            sleepForever();
          }
        }));
        daemon("bench-pool-" + i, () -> deep(12, () -> {
          ready.countDown();
          while (true) {
            LockSupport.park();
          }
        }));
        daemon("bench-waiter-" + i, () -> deep(12, () -> {
          synchronized (waitedOn) {
            ready.countDown();
            try {
              while (true) {
                waitedOn.wait();
              }
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        }));
      }
      ready.await();
    }

    static void daemon(String name, Runnable r) {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      t.start();
    }

    static void deep(int frames, Runnable r) {
      if (frames == 0) {
        r.run();
      } else {
        deep(frames - 1, r);
      }
    }

    static void sleepForever() {
      try {
        Thread.sleep(Long.MAX_VALUE);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
