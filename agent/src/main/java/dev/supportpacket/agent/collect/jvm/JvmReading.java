package dev.supportpacket.agent.collect.jvm;

import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ClassLoadingMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryUsage;
import java.lang.management.OperatingSystemMXBean;
import java.lang.management.ThreadMXBean;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JVM's counters at one moment, as the contract of {@code jvm/readings.json} names them. A single reading says
 * little (a CPU load read once was 0.0 under load); two, at the start and the end of the window, give rates.
 * Immutable once taken.
 */
final class JvmReading {
  /** Links read to classify descriptors; a process with more is classified by its first ones, the count stays exact. */
  static final int MAX_FDS_CLASSIFIED = 20_000;

  private final Map<String, Object> values;

  private JvmReading(Map<String, Object> values) {
    this.values = Collections.unmodifiableMap(values);
  }

  Map<String, Object> toJson() {
    return values;
  }

  static JvmReading take(CgroupFiles cgroup) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("at_ms", System.currentTimeMillis());
    m.put("uptime_ms", ManagementFactory.getRuntimeMXBean().getUptime());
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    m.put("process_cpu_ns", os instanceof com.sun.management.OperatingSystemMXBean
        ? ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime() : -1L);
    m.put("cpus", Runtime.getRuntime().availableProcessors());
    m.put("heap", usage(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage()));
    m.put("nonheap", usage(ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage()));
    m.put("pools", pools());
    m.put("gc", gc());
    ThreadMXBean th = ManagementFactory.getThreadMXBean();
    Map<String, Object> threads = new LinkedHashMap<>();
    threads.put("live", th.getThreadCount());
    threads.put("daemon", th.getDaemonThreadCount());
    threads.put("peak", th.getPeakThreadCount());
    threads.put("started", th.getTotalStartedThreadCount());
    m.put("threads", threads);
    ClassLoadingMXBean cl = ManagementFactory.getClassLoadingMXBean();
    Map<String, Object> classes = new LinkedHashMap<>();
    classes.put("loaded", cl.getLoadedClassCount());
    classes.put("unloaded", cl.getUnloadedClassCount());
    classes.put("total_loaded", cl.getTotalLoadedClassCount());
    m.put("classes", classes);
    m.put("fds", fds(os));
    m.put("container", cgroup.read());
    m.put("buffers", buffers());
    m.put("os", memory(os));
    return new JvmReading(m);
  }

  private static Map<String, Object> usage(MemoryUsage u) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("used", u.getUsed());
    m.put("committed", u.getCommitted());
    m.put("max", u.getMax());
    return m;
  }

  private static List<Object> pools() {
    List<Object> out = new ArrayList<>();
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      MemoryUsage u = p.getUsage();
      if (u == null) {
        continue; // a pool that is no longer valid
      }
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", p.getName());
      m.put("type", p.getType().name());
      m.putAll(usage(u));
      MemoryUsage afterGc = p.getCollectionUsage();
      m.put("after_gc_used", afterGc == null ? null : afterGc.getUsed());
      out.add(m);
    }
    return out;
  }

  private static List<Object> gc() {
    List<Object> out = new ArrayList<>();
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", gc.getName());
      m.put("count", gc.getCollectionCount());
      m.put("time_ms", gc.getCollectionTime());
      out.add(m);
    }
    return out;
  }

  private static List<Object> buffers() {
    List<Object> out = new ArrayList<>();
    for (BufferPoolMXBean b : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", b.getName());
      m.put("count", b.getCount());
      m.put("used", b.getMemoryUsed());
      m.put("capacity", b.getTotalCapacity());
      out.add(m);
    }
    return out;
  }

  @SuppressWarnings("deprecation") // the newer names arrived in JDK 14; these work on every JDK we run on
  private static Map<String, Object> memory(OperatingSystemMXBean os) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (os instanceof com.sun.management.OperatingSystemMXBean) {
      com.sun.management.OperatingSystemMXBean x = (com.sun.management.OperatingSystemMXBean) os;
      m.put("total_memory", x.getTotalPhysicalMemorySize());
      m.put("free_memory", x.getFreePhysicalMemorySize());
    }
    return m;
  }

  /**
   * Open descriptors against the limit, and what they are: the kernel's link text says {@code socket:[…]},
   * {@code pipe:[…]}, {@code anon_inode:…} or a path. Only counts leave this method, never a path.
   */
  private static Map<String, Object> fds(OperatingSystemMXBean os) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (!(os instanceof com.sun.management.UnixOperatingSystemMXBean)) {
      return null;
    }
    com.sun.management.UnixOperatingSystemMXBean u = (com.sun.management.UnixOperatingSystemMXBean) os;
    m.put("open", u.getOpenFileDescriptorCount());
    m.put("max", u.getMaxFileDescriptorCount());
    long sockets = 0;
    long pipes = 0;
    long files = 0;
    long other = 0;
    int seen = 0;
    Path dir = Paths.get("/proc/self/fd");
    if (Files.isDirectory(dir)) {
      try (DirectoryStream<Path> fds = Files.newDirectoryStream(dir)) {
        for (Path fd : fds) {
          if (++seen > MAX_FDS_CLASSIFIED) {
            break;
          }
          String target;
          try {
            target = Files.readSymbolicLink(fd).toString();
          } catch (IOException | UnsupportedOperationException e) {
            continue; // closed since the listing
          }
          if (target.startsWith("socket:")) {
            sockets++;
          } else if (target.startsWith("pipe:")) {
            pipes++;
          } else if (target.startsWith("/")) {
            files++;
          } else {
            other++;
          }
        }
      } catch (IOException e) {
        // no classification; the counts from the MXBean stay
      }
    }
    m.put("sockets", sockets);
    m.put("pipes", pipes);
    m.put("files", files);
    m.put("other", other);
    return m;
  }
}
