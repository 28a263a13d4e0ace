import dev.supportpacket.agent.collect.CollectContext;
import dev.supportpacket.agent.collect.Collector;
import dev.supportpacket.agent.collect.CollectorRunner;
import dev.supportpacket.agent.collect.Progress;
import dev.supportpacket.agent.collect.jvm.JvmReadingsCollector;
import dev.supportpacket.agent.collect.profile.CpuProfileCollector;
import dev.supportpacket.agent.collect.profile.JfrEventsCollector;
import dev.supportpacket.agent.collect.threads.ThreadSnapshotsCollector;
import dev.supportpacket.agent.options.PacketOptions;
import dev.supportpacket.agent.packet.MemorySink;
import dev.supportpacket.agent.packet.Packet;
import dev.supportpacket.agent.sanitize.Sanitizer;
import java.io.ByteArrayOutputStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.zip.DeflaterOutputStream;

/**
 * What the evidence of issue 14 (JFR events, three thread snapshots, two JVM readings) costs a busy CPU-bound
 * target, in-process, the way the agent runs it: every core busy with a service-like loop (hash maps, strings, short
 * lived garbage), then rounds of the 5-s window in rotating order: nothing, the CPU profile alone (today's packet),
 * the CPU profile with the evidence collectors. Prints ops/s (median of the rounds) side by side, the GC and safepoint
 * time of each window, and the size the evidence entries add to a packet (deflated, as in the zip).
 * Run by bench/evidence-overhead.sh, which puts the agent's classes on the class path; nothing of it ships.
 */
public final class EvidenceOverhead {
  static final LongAdder OPS = new LongAdder();
  static volatile long sink;

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    int workers = Runtime.getRuntime().availableProcessors();
    Map<String, Object> keep = Collections.synchronizedMap(new HashMap<>());
    for (int i = 0; i < workers; i++) {
      Thread t = new Thread(() -> work(keep), "bench-worker-" + i);
      t.setDaemon(true);
      t.start();
    }
    PacketOptions options = PacketOptions.builder().build();
    Path scratch = Files.createTempDirectory("evidence-bench");
    String[] modes = {"none", "profile", "profile+evidence"};
    Map<String, List<Double>> opsPerSec = new HashMap<>();
    Map<String, List<Long>> gcMs = new HashMap<>();
    Map<String, List<Long>> safepointMs = new HashMap<>();
    Map<String, Long> evidenceBytes = new HashMap<>();
    runWindow("profile+evidence", options, scratch, null); // warm-up: JIT, JFR start, class loading
    for (int r = 0; r < rounds; r++) {
      for (int k = 0; k < modes.length; k++) {
        String mode = modes[(r + k) % modes.length];
        long ops0 = OPS.sum();
        long gc0 = gcMillis();
        long sp0 = safepointMillis();
        long t0 = System.nanoTime();
        runWindow(mode, options, scratch, mode.equals("profile+evidence") ? evidenceBytes : null);
        double secs = (System.nanoTime() - t0) / 1e9;
        opsPerSec.computeIfAbsent(mode, m -> new ArrayList<>()).add((OPS.sum() - ops0) / secs);
        gcMs.computeIfAbsent(mode, m -> new ArrayList<>()).add(gcMillis() - gc0);
        safepointMs.computeIfAbsent(mode, m -> new ArrayList<>()).add(sp0 < 0 ? -1 : safepointMillis() - sp0);
      }
    }
    double base = median(opsPerSec.get("profile"));
    System.out.printf("%-18s %14s %10s %12s %14s%n", "window", "ops/s median", "vs profile", "GC ms med", "safepoint ms");
    for (String mode : modes) {
      double m = median(opsPerSec.get(mode));
      System.out.printf("%-18s %14.0f %9.1f%% %12d %14d%n", mode, m, (m / base - 1) * 100,
          (long) median(toDouble(gcMs.get(mode))), (long) median(toDouble(safepointMs.get(mode))));
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
    collectors.add(new CpuProfileCollector());
    if (mode.equals("profile+evidence")) {
      collectors.add(new JfrEventsCollector());
      collectors.add(new ThreadSnapshotsCollector());
      collectors.add(new JvmReadingsCollector());
    }
    MemorySink memory = new MemorySink();
    Packet packet = new Packet(Sanitizer.withRandomKey(), memory);
    new CollectorRunner().run(collectors, new CollectContext(options, scratch, Progress.NONE), packet)
        .forEach(o -> {
          if (!o.toString().contains("ok")) {
            System.err.println(o);
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
}
