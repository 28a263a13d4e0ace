package dev.supportpacket.agent.findings.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** JFR's aggregates over the window, from {@code jvm/events.json}. Missing numbers are -1. */
public final class Events {
  public static final String ENTRY = "jvm/events.json";

  public final long windowMs;
  public final long gcPauseMs;
  public final int gcPauses;
  public final List<Wait> monitorEnter;
  public final List<Wait> park;
  public final List<Io> io;
  /** Throwables created during the window, -1 when unknown. */
  public final long throwables;
  public final List<Allocation> allocation;

  Events(JsonNode n) {
    windowMs = Reading.number(n.path("window_ms"));
    gcPauseMs = Reading.number(n.path("gc").path("total_pause_ms"));
    gcPauses = n.path("gc").path("pauses").size();
    monitorEnter = waits(n.path("monitor_enter"));
    park = waits(n.path("park"));
    List<Io> ios = new ArrayList<>();
    for (JsonNode i : n.path("io")) {
      ios.add(new Io(i.path("kind").asText(""), i.path("target").asText(""), i.path("count").asLong(0),
          i.path("total_ms").asLong(0), i.path("max_ms").asLong(0), threadCount(i.path("threads")), stack(i.path("stack"))));
    }
    io = List.copyOf(ios);
    JsonNode t = n.path("exceptions").path("throwables");
    throwables = t.isNumber() ? t.asLong() : -1;
    List<Allocation> allocs = new ArrayList<>();
    for (JsonNode a : n.path("allocation")) {
      allocs.add(new Allocation(a.path("class").asText(""), a.path("weight_bytes").asLong(0),
          Frames.normalize(a.path("top_frame").asText(""))));
    }
    allocation = List.copyOf(allocs);
  }

  private static List<Wait> waits(JsonNode arr) {
    List<Wait> out = new ArrayList<>();
    for (JsonNode w : arr) {
      out.add(new Wait(w.path("class").asText(""), w.path("thread").asText(""), w.path("count").asLong(0),
          w.path("total_ms").asLong(Math.max(0, w.path("duration_ms").asLong(0))), stack(w.path("stack")),
          w.path("owner").asText(""), threadCount(w.path("threads"))));
    }
    return List.copyOf(out);
  }

  /** Threads given as a list of names or as a count; 1 when not given. */
  private static long threadCount(JsonNode n) {
    return n.isArray() ? Math.max(1, n.size()) : n.isNumber() ? n.asLong() : 1;
  }

  /** A stack given as a list of frames or as one string of frames separated by ';' or new lines. */
  static List<String> stack(JsonNode s) {
    List<String> out = new ArrayList<>();
    if (s.isArray()) {
      for (JsonNode f : s) {
        out.add(Frames.normalize(f.asText()));
      }
    } else if (s.isTextual() && !s.asText().isBlank()) {
      for (String f : s.asText().split("[;\n]")) {
        if (!f.isBlank()) {
          out.add(Frames.normalize(f));
        }
      }
    }
    return List.copyOf(out);
  }

  /** Time threads spent blocked entering a monitor or parked, on one lock class. */
  public static final class Wait {
    public final String lockClass;
    public final String thread;
    public final long count;
    public final long totalMs;
    public final List<String> stack;
    public final String owner;
    /** Distinct threads that waited. */
    public final long threads;

    Wait(String lockClass, String thread, long count, long totalMs, List<String> stack, String owner, long threads) {
      this.threads = threads;
      this.lockClass = lockClass;
      this.thread = thread;
      this.count = count;
      this.totalMs = totalMs;
      this.stack = stack;
      this.owner = owner;
    }
  }

  /** Socket or file I/O over the recording threshold, on one target. */
  public static final class Io {
    public final String kind;
    /** host:port or a (sanitized) path. */
    public final String target;
    public final long count;
    public final long totalMs;
    public final long maxMs;
    public final long threads;
    public final List<String> stack;

    Io(String kind, String target, long count, long totalMs, long maxMs, long threads, List<String> stack) {
      this.kind = kind;
      this.target = target;
      this.count = count;
      this.totalMs = totalMs;
      this.maxMs = maxMs;
      this.threads = threads;
      this.stack = stack;
    }
  }

  /** Sampled allocation of one class. */
  public static final class Allocation {
    public final String className;
    public final long weightBytes;
    public final String topFrame;

    Allocation(String className, long weightBytes, String topFrame) {
      this.className = className;
      this.weightBytes = weightBytes;
      this.topFrame = topFrame;
    }
  }
}
