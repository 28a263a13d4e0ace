package dev.supportpacket.agent.collect.jvm;

import dev.supportpacket.agent.collect.CollectContext;
import dev.supportpacket.agent.collect.Collector;
import dev.supportpacket.agent.packet.Packet;
import java.lang.management.ClassLoadingMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryUsage;
import java.lang.management.OperatingSystemMXBean;
import java.lang.management.RuntimeMXBean;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes {@code jvm/runtime.yaml}: versions, uptime, memory and its pools, GC counts and times, class loading,
 * threads, the OS and CPUs, and the container (cgroup) limits when there are any.
 */
public final class RuntimeCollector implements Collector {
  @Override
  public String id() {
    return "runtime";
  }

  @Override
  public void collect(CollectContext ctx, Packet packet) throws Exception {
    packet.addYaml("jvm/runtime.yaml", describe());
  }

  static Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    RuntimeMXBean rt = ManagementFactory.getRuntimeMXBean();
    Map<String, Object> java = new LinkedHashMap<>();
    java.put("version", System.getProperty("java.version"));
    java.put("vendor", System.getProperty("java.vendor"));
    java.put("runtime", System.getProperty("java.runtime.version"));
    java.put("vm_name", rt.getVmName());
    java.put("vm_version", rt.getVmVersion());
    java.put("home", System.getProperty("java.home"));
    m.put("java", java);
    m.put("pid", ProcessHandle.current().pid());
    m.put("start_time", rt.getStartTime());
    m.put("uptime_ms", rt.getUptime());
    m.put("memory", memory());
    m.put("gc", gc());
    ClassLoadingMXBean cl = ManagementFactory.getClassLoadingMXBean();
    m.put("classes", Map.of("loaded", cl.getLoadedClassCount(), "total_loaded", cl.getTotalLoadedClassCount(),
        "unloaded", cl.getUnloadedClassCount()));
    ThreadMXBean th = ManagementFactory.getThreadMXBean();
    m.put("threads", Map.of("live", th.getThreadCount(), "daemon", th.getDaemonThreadCount(), "peak",
        th.getPeakThreadCount(), "total_started", th.getTotalStartedThreadCount()));
    m.put("os", os());
    // One reader of the cgroup files: the same keys as jvm/readings.json (CONTRACT.md), from the process's own cgroup.
    Map<String, Object> container = CgroupFiles.ofThisProcess().read();
    if (container != null) {
      m.put("container", container);
    }
    return m;
  }

  private static Map<String, Object> memory() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("heap", usage(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage()));
    m.put("non_heap", usage(ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage()));
    List<Object> pools = new ArrayList<>();
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      Map<String, Object> pool = new LinkedHashMap<>();
      pool.put("name", p.getName());
      pool.put("type", p.getType().toString());
      pool.put("usage", usage(p.getUsage()));
      pool.put("peak", usage(p.getPeakUsage()));
      pools.add(pool);
    }
    m.put("pools", pools);
    return m;
  }

  private static Map<String, Object> usage(MemoryUsage u) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (u != null) {
      m.put("init", u.getInit());
      m.put("used", u.getUsed());
      m.put("committed", u.getCommitted());
      m.put("max", u.getMax());
    }
    return m;
  }

  private static List<Object> gc() {
    List<Object> out = new ArrayList<>();
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", gc.getName());
      m.put("count", gc.getCollectionCount());
      m.put("time_ms", gc.getCollectionTime());
      m.put("pools", Arrays.asList(gc.getMemoryPoolNames()));
      out.add(m);
    }
    return out;
  }

  private static Map<String, Object> os() {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", os.getName());
    m.put("version", os.getVersion());
    m.put("arch", os.getArch());
    m.put("processors", os.getAvailableProcessors());
    m.put("load_average", os.getSystemLoadAverage());
    if (os instanceof com.sun.management.OperatingSystemMXBean) {
      com.sun.management.OperatingSystemMXBean x = (com.sun.management.OperatingSystemMXBean) os;
      m.put("total_memory", totalMemory(x));
      m.put("free_memory", freeMemory(x));
      m.put("process_cpu_time_ns", x.getProcessCpuTime());
      m.put("process_cpu_load", x.getProcessCpuLoad());
    }
    if (os instanceof com.sun.management.UnixOperatingSystemMXBean) {
      com.sun.management.UnixOperatingSystemMXBean u = (com.sun.management.UnixOperatingSystemMXBean) os;
      m.put("open_file_descriptors", u.getOpenFileDescriptorCount());
      m.put("max_file_descriptors", u.getMaxFileDescriptorCount());
    }
    return m;
  }

  // getTotalMemorySize() arrived in JDK 14; this older name still works there and on 11.
  @SuppressWarnings("deprecation")
  private static long totalMemory(com.sun.management.OperatingSystemMXBean x) {
    return x.getTotalPhysicalMemorySize();
  }

  @SuppressWarnings("deprecation")
  private static long freeMemory(com.sun.management.OperatingSystemMXBean x) {
    return x.getFreePhysicalMemorySize();
  }
}
