package dev.supportpacket.agent.findings.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The JVM's numbers at one moment, in the shape of {@code jvm/readings.json} (an older packet's
 * {@code jvm/runtime.yaml} is read into the same shape). Every accessor answers -1 when the number is missing.
 */
public final class Reading {
  /** cgroup v1 reports "no limit" as a number near 2^63; anything this large is no limit. */
  private static final long NO_LIMIT = 1L << 62;

  private final JsonNode node;
  /** The packet entry it was read from. */
  public final String entry;

  public Reading(JsonNode node, String entry) {
    this.node = node == null ? MissingNode.getInstance() : node.deepCopy();
    this.entry = entry;
  }

  /** The number at {@code path}, -1 when absent or not a number. */
  public long num(String... path) {
    JsonNode n = node;
    for (String p : path) {
      n = n.path(p);
    }
    return number(n);
  }

  /** A number, also one written as text (YAML); -1 for anything else, JSON null included. */
  static long number(JsonNode n) {
    return n.isNumber() ? n.asLong() : n.isTextual() && n.asText().matches("-?\\d+") ? Long.parseLong(n.asText()) : -1;
  }

  public long atMs() {
    return num("at_ms");
  }

  public long processCpuNs() {
    return num("process_cpu_ns");
  }

  public long cpus() {
    return num("cpus");
  }

  public long heapUsed() {
    return num("heap", "used");
  }

  public long heapCommitted() {
    return num("heap", "committed");
  }

  public long heapMax() {
    return num("heap", "max");
  }

  public long nonHeapCommitted() {
    return num("nonheap", "committed");
  }

  public long threadsLive() {
    return num("threads", "live");
  }

  public long threadsStarted() {
    return num("threads", "started");
  }

  public long threadsPeak() {
    return num("threads", "peak");
  }

  public long classesLoaded() {
    return num("classes", "loaded");
  }

  public long classesUnloaded() {
    return num("classes", "unloaded");
  }

  public long classesTotalLoaded() {
    return num("classes", "total_loaded");
  }

  public long fdsOpen() {
    return num("fds", "open");
  }

  public long fdsMax() {
    return num("fds", "max");
  }

  public long fds(String kind) {
    return num("fds", kind);
  }

  /** The container's memory limit, -1 when there is none or no container. */
  public long containerMemoryLimit() {
    long v = num("container", "memory_limit");
    return v <= 0 || v >= NO_LIMIT ? -1 : v;
  }

  public long containerMemoryUsage() {
    return num("container", "memory_usage");
  }

  public long container(String key) {
    return num("container", key);
  }

  public long osTotalMemory() {
    return num("os", "total_memory");
  }

  /** Direct and mapped buffers together, -1 when unknown. */
  public long buffersUsed() {
    long sum = -1;
    for (JsonNode b : node.path("buffers")) {
      long u = number(b.path("used"));
      if (u >= 0) {
        sum = Math.max(sum, 0) + u;
      }
    }
    return sum;
  }

  public List<Pool> pools() {
    List<Pool> out = new ArrayList<>();
    for (JsonNode p : node.path("pools")) {
      out.add(new Pool(p.path("name").asText(""), p.path("type").asText(""), number(p.path("used")),
          number(p.path("committed")), number(p.path("max")), number(p.path("after_gc_used"))));
    }
    return out;
  }

  public List<Gc> gcs() {
    List<Gc> out = new ArrayList<>();
    for (JsonNode g : node.path("gc")) {
      out.add(new Gc(g.path("name").asText(""), number(g.path("count")), number(g.path("time_ms"))));
    }
    return out;
  }

  /** One memory pool. */
  public static final class Pool {
    public final String name;
    public final String type;
    public final long used;
    public final long committed;
    public final long max;
    /** Used after the last collection, -1 when unknown (a pool no collector works on, or an older packet). */
    public final long afterGcUsed;

    Pool(String name, String type, long used, long committed, long max, long afterGcUsed) {
      this.name = name;
      this.type = type;
      this.used = used;
      this.committed = committed;
      this.max = max;
      this.afterGcUsed = afterGcUsed;
    }

    /** The pool that holds long-lived objects: G1/Parallel/CMS old gen, Serial tenured, a one-generation heap. */
    public boolean isOld() {
      String n = name.toLowerCase(java.util.Locale.ROOT);
      return n.contains("old") || n.contains("tenured") || n.equals("zheap") || n.equals("shenandoah")
          || n.contains("zgc old generation");
    }

    public boolean isMetaspace() {
      return name.equals("Metaspace");
    }
  }

  /** One garbage collector's totals since the JVM started. */
  public static final class Gc {
    public final String name;
    public final long count;
    public final long timeMs;

    Gc(String name, long count, long timeMs) {
      this.name = name;
      this.count = count;
      this.timeMs = timeMs;
    }

    /**
     * Whether its time is time the application stood still. G1's "Concurrent GC" (JDK 21+), ZGC's and Shenandoah's
     * "Cycles" count work done beside the application.
     */
    public boolean pauses() {
      return !name.contains("Concurrent") && !name.contains("Cycles");
    }

    public boolean isOld() {
      return name.contains("Old") || name.contains("MarkSweep") || name.contains("Full") || name.contains("Major");
    }
  }
}
