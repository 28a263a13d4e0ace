package dev.supportpacket.agent.collect.profile;

import dev.supportpacket.agent.collect.FrameNames;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedClass;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;

/**
 * The events of one recording boiled down to what a reader (or a rule) needs: GC pauses, the monitors and parks that
 * cost most, I/O per target, the exception count, the classes allocated most and the threads using most CPU. Built
 * from the raw recording inside the process; every string in it is sanitized when the packet writes it.
 */
final class JfrEventSummary {
  /** Entries kept per list: the top of each ranking, enough to name a culprit, small enough for any packet. */
  static final int TOP = 20;
  /** Frames kept per stack: the culprit is near the top. */
  static final int STACK_FRAMES = 32;
  private static final int THREADS_PER_ENTRY = 5;

  /** Events that started before it belong to someone else's recording. */
  private final Instant start;
  private final List<Map<String, Object>> pauses = new ArrayList<>();
  private double totalPauseMillis;
  private final Map<String, Group> monitors = new HashMap<>();
  private final Map<String, Group> parks = new HashMap<>();
  private final Map<String, Group> io = new HashMap<>();
  private long firstThrowables = -1;
  private long lastThrowables = -1;
  private final Map<String, long[]> allocationBytes = new HashMap<>();
  private final Map<String, Map<String, long[]>> allocationFrames = new HashMap<>();
  private final Map<String, double[]> threadCpu = new HashMap<>();

  /** A summary of the events of a window from {@code start}, read from the recording's chunks in one or more parts. */
  JfrEventSummary(Instant start) {
    this.start = start;
  }

  /**
   * Adds an event of the recording's parts, in order, if it started in the window: chunks are shared with the
   * application's own recordings, which may reach back before ours began.
   */
  void accept(RecordedEvent e) {
    if (!e.getStartTime().isBefore(start)) {
      add(e);
    }
  }

  private void add(RecordedEvent e) {
    switch (e.getEventType().getName()) {
      case "jdk.GarbageCollection":
        double pause = millis(e.getDuration("sumOfPauses"));
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("name", e.getString("name"));
        p.put("start_ms", e.getStartTime().toEpochMilli());
        p.put("duration_ms", round(pause));
        p.put("cause", e.getString("cause"));
        pauses.add(p);
        totalPauseMillis += pause;
        return;
      case "jdk.JavaMonitorEnter":
        group(monitors, className(e, "monitorClass"), e).owner(threadName(e, "previousOwner"), millis(e.getDuration()));
        return;
      case "jdk.ThreadPark":
        group(parks, className(e, "parkedClass"), e);
        return;
      case "jdk.SocketRead":
      case "jdk.SocketWrite":
        String host = e.getString("host");
        String target = (host == null || host.isEmpty() ? e.getString("address") : host) + ":" + e.getInt("port");
        ioGroup(e.getEventType().getName().endsWith("Read") ? "socket-read" : "socket-write", target, e);
        return;
      case "jdk.FileRead":
      case "jdk.FileWrite":
        ioGroup(e.getEventType().getName().endsWith("Read") ? "file-read" : "file-write", e.getString("path"), e);
        return;
      case "jdk.ExceptionStatistics":
        long n = e.getLong("throwables");
        firstThrowables = firstThrowables < 0 ? n : firstThrowables;
        lastThrowables = n;
        return;
      case "jdk.ObjectAllocationSample":
        String cls = className(e, "objectClass");
        long weight = e.getLong("weight");
        allocationBytes.computeIfAbsent(cls, k -> new long[1])[0] += weight;
        allocationFrames.computeIfAbsent(cls, k -> new HashMap<>())
            .computeIfAbsent(topFrame(e.getStackTrace()), k -> new long[1])[0] += weight;
        return;
      case "jdk.ThreadCPULoad":
        double[] load = threadCpu.computeIfAbsent(threadName(e, "eventThread"), k -> new double[3]);
        load[0] += e.getFloat("user");
        load[1] += e.getFloat("system");
        load[2]++;
        return;
      default:
    }
  }

  private Group group(Map<String, Group> groups, String cls, RecordedEvent e) {
    List<String> stack = stack(e.getStackTrace());
    String key = cls + "\n" + (stack.isEmpty() ? "" : stack.get(0));
    Group g = groups.computeIfAbsent(key, k -> new Group(cls, null));
    g.add(e, stack);
    return g;
  }

  private void ioGroup(String kind, String target, RecordedEvent e) {
    io.computeIfAbsent(kind + "\n" + target, k -> new Group(target, kind)).add(e, stack(e.getStackTrace()));
  }

  /** The summary in the contract shape of {@code jvm/events.json}, for a window {@code windowMillis} long. */
  Map<String, Object> toJson(long windowMillis) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("version", 1);
    m.put("window_ms", windowMillis);
    m.put("threshold_ms", JfrEventsCollector.THRESHOLD.toMillis());
    Map<String, Object> gc = new LinkedHashMap<>();
    gc.put("pauses", pauses);
    gc.put("total_pause_ms", round(totalPauseMillis));
    m.put("gc", gc);
    m.put("monitor_enter", top(monitors));
    m.put("park", top(parks));
    m.put("io", top(io));
    Map<String, Object> exceptions = new LinkedHashMap<>();
    exceptions.put("throwables", firstThrowables < 0 ? null : lastThrowables - firstThrowables);
    exceptions.put("throwables_since_start", firstThrowables < 0 ? null : lastThrowables);
    m.put("exceptions", exceptions);
    m.put("allocation", allocation());
    m.put("thread_cpu", threadCpu());
    return m;
  }

  private static List<Object> top(Map<String, Group> groups) {
    List<Group> sorted = new ArrayList<>(groups.values());
    sorted.sort(Comparator.comparingDouble((Group g) -> g.totalMillis).reversed());
    List<Object> out = new ArrayList<>();
    for (Group g : sorted.subList(0, Math.min(TOP, sorted.size()))) {
      out.add(g.toJson());
    }
    return out;
  }

  private List<Object> allocation() {
    List<Map.Entry<String, long[]>> sorted = new ArrayList<>(allocationBytes.entrySet());
    sorted.sort(Comparator.comparingLong((Map.Entry<String, long[]> en) -> en.getValue()[0]).reversed());
    List<Object> out = new ArrayList<>();
    for (Map.Entry<String, long[]> en : sorted.subList(0, Math.min(TOP, sorted.size()))) {
      String topFrame = null;
      long best = -1;
      for (Map.Entry<String, long[]> f : allocationFrames.get(en.getKey()).entrySet()) {
        if (f.getValue()[0] > best) {
          best = f.getValue()[0];
          topFrame = f.getKey();
        }
      }
      Map<String, Object> a = new LinkedHashMap<>();
      a.put("class", en.getKey());
      a.put("weight_bytes", en.getValue()[0]);
      a.put("top_frame", topFrame);
      out.add(a);
    }
    return out;
  }

  private List<Object> threadCpu() {
    List<Map.Entry<String, double[]>> sorted = new ArrayList<>(threadCpu.entrySet());
    sorted.sort(Comparator.comparingDouble((Map.Entry<String, double[]> en) ->
        (en.getValue()[0] + en.getValue()[1]) / en.getValue()[2]).reversed());
    List<Object> out = new ArrayList<>();
    for (Map.Entry<String, double[]> en : sorted.subList(0, Math.min(TOP, sorted.size()))) {
      double[] v = en.getValue();
      Map<String, Object> t = new LinkedHashMap<>();
      t.put("thread", en.getKey());
      // Averages of the per-second readings, as fractions of the whole machine, the way JFR reports them.
      t.put("user", round4(v[0] / v[2]));
      t.put("system", round4(v[1] / v[2]));
      out.add(t);
    }
    return out;
  }

  /** Events of one monitor class (or park class, or I/O target) entered at one top frame. */
  private static final class Group {
    final String subject;
    final String kind;
    int count;
    double totalMillis;
    double maxMillis;
    String longestThread;
    List<String> longestStack = List.of();
    /** Blocked time per previous owner: the thread that kept the monitor longest from the waiters is the culprit. */
    final Map<String, double[]> owners = new HashMap<>();
    final Set<String> threads = new LinkedHashSet<>();

    Group(String subject, String kind) {
      this.subject = subject;
      this.kind = kind;
    }

    void add(RecordedEvent e, List<String> stack) {
      double ms = millis(e.getDuration());
      count++;
      totalMillis += ms;
      String thread = threadName(e, "eventThread");
      if (threads.size() < THREADS_PER_ENTRY) {
        threads.add(thread);
      }
      if (ms >= maxMillis) {
        maxMillis = ms;
        longestThread = thread;
        longestStack = stack;
      }
    }

    void owner(String previousOwner, double millis) {
      if (previousOwner != null && (owners.containsKey(previousOwner) || owners.size() < 100)) {
        owners.computeIfAbsent(previousOwner, k -> new double[1])[0] += millis;
      }
    }

    private String owner() {
      String best = null;
      double most = -1;
      for (Map.Entry<String, double[]> e : owners.entrySet()) {
        if (e.getValue()[0] > most) {
          most = e.getValue()[0];
          best = e.getKey();
        }
      }
      return best;
    }

    Map<String, Object> toJson() {
      Map<String, Object> m = new LinkedHashMap<>();
      if (kind != null) {
        m.put("kind", kind);
        m.put("target", subject);
      } else {
        m.put("class", subject);
        m.put("thread", longestThread);
        m.put("duration_ms", round(maxMillis));
        m.put("owner", owner());
      }
      m.put("count", count);
      m.put("total_ms", round(totalMillis));
      m.put("max_ms", round(maxMillis));
      m.put("threads", new ArrayList<>(threads));
      m.put("stack", longestStack);
      return m;
    }
  }

  private static List<String> stack(RecordedStackTrace st) {
    List<String> out = new ArrayList<>();
    if (st == null) {
      return out;
    }
    for (RecordedFrame f : st.getFrames()) {
      if (out.size() == STACK_FRAMES) {
        break;
      }
      out.add(frame(f));
    }
    return out;
  }

  private static String topFrame(RecordedStackTrace st) {
    return st == null || st.getFrames().isEmpty() ? null : frame(st.getFrames().get(0));
  }

  /** {@code pkg.Class.method(:12)}: JFR knows the line, not the file; {@code ()} when the line is unknown. */
  private static String frame(RecordedFrame f) {
    String name = FrameNames.normalise(f.getMethod().getType().getName()) + "." + f.getMethod().getName();
    int line = f.getLineNumber();
    return line > 0 ? name + "(:" + line + ")" : name + "()";
  }

  private static String className(RecordedEvent e, String field) {
    RecordedClass c = e.hasField(field) ? e.getClass(field) : null;
    return c == null ? "?" : FrameNames.normalise(c.getName());
  }

  private static String threadName(RecordedEvent e, String field) {
    RecordedThread t = field.equals("eventThread") ? e.getThread() : e.hasField(field) ? e.getThread(field) : null;
    if (t == null) {
      return null;
    }
    return t.getJavaName() != null ? t.getJavaName() : t.getOSName();
  }

  private static double millis(java.time.Duration d) {
    return d == null ? 0 : d.toNanos() / 1e6;
  }

  private static double round(double ms) {
    return Math.round(ms * 10) / 10.0;
  }

  private static double round4(double v) {
    return Math.round(v * 10_000) / 10_000.0;
  }
}
