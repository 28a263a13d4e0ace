package dev.supportpacket.agent.findings.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds the {@link PacketModel} from a packet's entries. Tolerant: a missing entry, a missing field or a line it
 * does not understand leaves that part out and, for whole entries, says so in {@link PacketModel#notChecked}.
 */
public final class ModelReader {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Pattern HEADER =
      Pattern.compile("^\"(.*)\" #(\\d+)( daemon)? prio=\\d+(?: cpu=(\\d+)ms)?( \\[support-packet agent\\])?( suspended)?"
          + "( in_native)?\\s*$");
  /**
   * A thread's first line as the JVM's own {@code Thread.print} writes it (jstack, jcmd; the packet the attach CLI
   * writes from outside a JVM too full for the agent): {@code "name" #id [tid] daemon prio=5 os_prio=0 cpu=1.23ms ...}.
   * Its wait lines name no lock owner, so deadlocks are not found from such a dump.
   */
  private static final Pattern JVM_HEADER =
      Pattern.compile("^\"(.*)\" #(\\d+)(?: \\[\\d+\\])?( daemon)? prio=\\d+ os_prio=-?\\d+(?: cpu=(\\d+)(?:\\.\\d+)?ms)?"
          + " .*$");
  private static final Pattern LOCK = Pattern.compile("<(0x[0-9a-fA-F]+)> \\(a ([^)]*)\\)");
  private static final Pattern OWNER = Pattern.compile(" owned by \".*\" #(\\d+)\\s*$");
  private static final Pattern HISTO_ROW = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");
  /** Rows of the histogram kept beyond the largest: class loaders, which the class-leak rule counts. */
  private static final int HISTOGRAM_TOP = 200;
  private static final int MAX_FOLDED_LINES = 200_000;

  private ModelReader() {}

  public static PacketModel read(PacketEntries entries) {
    List<String> names = entries.names();
    Map<String, String> texts = new HashMap<>();
    List<String> notChecked = new ArrayList<>();
    for (String name : PacketModel.READS) {
      if (names.contains(name)) {
        entries.text(name).ifPresent(t -> texts.put(name, t));
      }
    }

    List<Snapshot> snapshots = new ArrayList<>();
    List<List<Long>> deadlocks = new ArrayList<>();
    String threadsEntry = "";
    JsonNode snaps = json(texts.get(PacketModel.SNAPSHOTS));
    if (snaps != null && snaps.path("snapshots").isArray() && snaps.path("snapshots").size() > 0) {
      threadsEntry = PacketModel.SNAPSHOTS;
      for (JsonNode s : snaps.path("snapshots")) {
        snapshots.add(snapshot(s));
      }
      for (JsonNode d : snaps.path("deadlocks")) {
        List<Long> ids = new ArrayList<>();
        d.forEach(id -> ids.add(id.asLong()));
        if (!ids.isEmpty()) {
          deadlocks.add(List.copyOf(ids));
        }
      }
    } else if (texts.containsKey(PacketModel.THREADS)) {
      threadsEntry = PacketModel.THREADS;
      snapshots.add(threadsTxt(texts.get(PacketModel.THREADS)));
      notChecked.add("threads over time: one thread dump only (no threads/snapshots.json), so stuck threads, hot"
          + " loops and pool starvation were judged from a single moment");
    } else {
      notChecked.add("threads: no thread dump in the packet (deadlocks, hot threads, pools, I/O waits not checked)");
    }
    if (deadlocks.isEmpty() && !snapshots.isEmpty()) {
      deadlocks.addAll(cycles(snapshots.get(snapshots.size() - 1)));
    }

    Optional<Reading> start = Optional.empty();
    Optional<Reading> end = Optional.empty();
    JsonNode readings = json(texts.get(PacketModel.READINGS));
    if (readings != null && readings.path("end").isObject()) {
      end = Optional.of(new Reading(readings.path("end"), PacketModel.READINGS));
      if (readings.path("start").isObject()) {
        start = Optional.of(new Reading(readings.path("start"), PacketModel.READINGS));
      }
    } else if (texts.containsKey(PacketModel.RUNTIME)) {
      JsonNode rt = yaml(texts.get(PacketModel.RUNTIME));
      if (rt != null) {
        end = Optional.of(new Reading(fromRuntime(rt), PacketModel.RUNTIME));
      }
    }
    if (start.isEmpty()) {
      notChecked.add(end.isPresent()
          ? "GC time, thread and class growth over the window: one JVM reading only (no jvm/readings.json)"
          : "memory, GC, threads, classes, file descriptors: no JVM readings in the packet");
    }

    Optional<Events> events = Optional.ofNullable(json(texts.get(Events.ENTRY))).map(Events::new);
    if (events.isEmpty()) {
      notChecked.add("JFR events (lock waits, slow I/O, GC pauses, exceptions, allocations): no jvm/events.json");
    }
    Optional<LogSummary> logs = Optional.ofNullable(json(texts.get(LogSummary.ENTRY))).map(LogSummary::new);
    if (logs.isEmpty()) {
      notChecked.add("log errors: no logs/summary.json");
    }
    List<FoldedStack> cpu = folded(texts.get(PacketModel.FOLDED));
    if (!texts.containsKey(PacketModel.FOLDED)) {
      notChecked.add("CPU profile: no profile/cpu-folded.txt");
    }
    List<ClassRow> histogram = new ArrayList<>();
    long histogramBytes = histogram(texts.get(PacketModel.HISTOGRAM), histogram);
    if (histogramBytes < 0) {
      notChecked.add("heap contents: no heap/histogram.txt");
    }
    Map<String, String> flags = flags(texts.get(PacketModel.FLAGS));
    return new PacketModel(names, snapshots, threadsEntry, deadlocks, start, end, events, logs, cpu, histogram,
        histogramBytes, flags, notChecked, texts);
  }

  /** flags.yaml is one flat "Name: value" per line: read without a YAML parser (cheaper to load in the target). */
  private static Map<String, String> flags(String text) {
    Map<String, String> flags = new LinkedHashMap<>();
    if (text != null) {
      for (String line : text.split("\n")) {
        int colon = line.indexOf(": ");
        if (colon > 0 && !line.startsWith(" ") && !line.startsWith("#")) {
          flags.put(line.substring(0, colon).trim(), line.substring(colon + 2).trim().replaceAll("^[\"']|[\"']$", ""));
        }
      }
    }
    return flags;
  }

  private static JsonNode json(String text) {
    if (text == null) {
      return null;
    }
    try {
      JsonNode n = JSON.readTree(text);
      return n != null && n.isObject() ? n : null;
    } catch (IOException e) {
      return null;
    }
  }

  private static JsonNode yaml(String text) {
    if (text == null) {
      return null;
    }
    try {
      JsonNode n = YAML.readTree(text);
      return n != null && n.isObject() ? n : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static Snapshot snapshot(JsonNode s) {
    List<ThreadSample> threads = new ArrayList<>();
    for (JsonNode t : s.path("threads")) {
      List<String> locked = new ArrayList<>();
      t.path("locked").forEach(l -> locked.add(l.asText()));
      threads.add(new ThreadSample(Reading.number(t.path("id")), t.path("name").asText(""),
          t.path("state").asText(""), t.path("daemon").asBoolean(false), Reading.number(t.path("cpu_ns")),
          t.path("agent").asBoolean(false), t.path("lock").isTextual() ? t.path("lock").asText() : "",
          Reading.number(t.path("lock_owner_id")), locked, t.path("in_native").asBoolean(false),
          Events.stack(t.path("stack"))));
    }
    return new Snapshot(s.path("label").asText(""), Reading.number(s.path("at_ms")), threads);
  }

  /** The thread dump of an older packet, read as one snapshot. */
  static Snapshot threadsTxt(String text) {
    List<ThreadSample> threads = new ArrayList<>();
    String[] lines = text.split("\n");
    for (int i = 0; i < lines.length; i++) {
      Matcher h = HEADER.matcher(lines[i]);
      boolean ours = h.matches();
      if (!ours) {
        h = JVM_HEADER.matcher(lines[i]);
        if (!h.matches()) {
          continue;
        }
      }
      String state = "";
      String lock = "";
      long owner = -1;
      List<String> stack = new ArrayList<>();
      List<String> locked = new ArrayList<>();
      int j = i + 1;
      for (; j < lines.length && !lines[j].isEmpty() && !HEADER.matcher(lines[j]).matches()
          && !JVM_HEADER.matcher(lines[j]).matches(); j++) {
        String l = lines[j].trim();
        if (l.startsWith("java.lang.Thread.State: ")) {
          // The JVM's own dump adds why: "TIMED_WAITING (sleeping)".
          state = l.substring("java.lang.Thread.State: ".length()).trim().split(" ", 2)[0];
        } else if (l.startsWith("at ")) {
          stack.add(Frames.normalize(l.substring(3)));
        } else if (l.startsWith("- locked ")) {
          Matcher m = LOCK.matcher(l);
          if (m.find()) {
            locked.add(m.group(2) + "@" + m.group(1));
          }
        } else if (l.startsWith("- ")) {
          Matcher m = LOCK.matcher(l);
          if (m.find()) {
            lock = m.group(2) + "@" + m.group(1);
          }
          Matcher o = OWNER.matcher(l);
          if (o.find()) {
            owner = Long.parseLong(o.group(1));
          }
        }
      }
      long cpuNs = h.group(4) == null ? -1 : Long.parseLong(h.group(4)) * 1_000_000L;
      threads.add(new ThreadSample(Long.parseLong(h.group(2)), h.group(1), state, h.group(3) != null, cpuNs,
          ours && h.group(5) != null, lock, owner, locked, ours && h.group(7) != null, stack));
      i = j - 1;
    }
    return new Snapshot("dump", -1, threads);
  }

  /** Cycles of "waits for a lock owned by": each thread waits for at most one owner. */
  static List<List<Long>> cycles(Snapshot s) {
    Map<Long, Long> waitsFor = new HashMap<>();
    for (ThreadSample t : s.threads) {
      if (t.lockOwnerId >= 0 && !t.state.equals("RUNNABLE")) {
        waitsFor.put(t.id, t.lockOwnerId);
      }
    }
    List<List<Long>> out = new ArrayList<>();
    Set<Long> done = new LinkedHashSet<>();
    for (Long first : waitsFor.keySet()) {
      List<Long> walk = new ArrayList<>();
      Long t = first;
      while (t != null && !done.contains(t) && !walk.contains(t)) {
        walk.add(t);
        t = waitsFor.get(t);
      }
      if (t != null && walk.contains(t)) {
        out.add(List.copyOf(walk.subList(walk.indexOf(t), walk.size())));
      }
      done.addAll(walk);
    }
    return out;
  }

  /** runtime.yaml of any version, reshaped as one reading of readings.json. */
  static JsonNode fromRuntime(JsonNode rt) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode r = f.objectNode();
    r.set("uptime_ms", rt.path("uptime_ms"));
    JsonNode os = rt.path("os");
    r.set("process_cpu_ns", os.path("process_cpu_time_ns"));
    r.set("cpus", os.path("processors"));
    JsonNode mem = rt.path("memory");
    r.set("heap", mem.path("heap"));
    r.set("nonheap", mem.path("non_heap"));
    var pools = r.putArray("pools");
    for (JsonNode p : mem.path("pools")) {
      ObjectNode q = pools.addObject();
      q.set("name", p.path("name"));
      q.put("type", p.path("type").asText("").startsWith("Heap") ? "heap" : "non-heap");
      q.set("used", p.path("usage").path("used"));
      q.set("committed", p.path("usage").path("committed"));
      q.set("max", p.path("usage").path("max"));
      if (p.has("collection_usage")) {
        q.set("after_gc_used", p.path("collection_usage").path("used"));
      }
    }
    r.set("gc", rt.path("gc"));
    ObjectNode threads = r.putObject("threads");
    JsonNode t = rt.path("threads");
    threads.set("live", t.path("live"));
    threads.set("daemon", t.path("daemon"));
    threads.set("peak", t.path("peak"));
    threads.set("started", t.path("total_started"));
    r.set("classes", rt.path("classes"));
    ObjectNode fds = r.putObject("fds");
    fds.set("open", os.path("open_file_descriptors"));
    fds.set("max", os.path("max_file_descriptors"));
    r.set("container", rt.path("container"));
    ObjectNode o = r.putObject("os");
    o.set("total_memory", os.path("total_memory"));
    o.set("free_memory", os.path("free_memory"));
    for (Iterator<Map.Entry<String, JsonNode>> it = r.fields(); it.hasNext(); ) {
      if (it.next().getValue().isMissingNode()) {
        it.remove();
      }
    }
    return r;
  }

  private static List<FoldedStack> folded(String text) {
    List<FoldedStack> out = new ArrayList<>();
    if (text == null) {
      return out;
    }
    int lines = 0;
    for (String line : text.split("\n")) {
      if (++lines > MAX_FOLDED_LINES) {
        break;
      }
      int sp = line.lastIndexOf(' ');
      if (sp <= 0) {
        continue;
      }
      try {
        long n = Long.parseLong(line.substring(sp + 1).trim());
        List<String> frames = new ArrayList<>();
        for (String fr : line.substring(0, sp).split(";")) {
          frames.add(Frames.normalize(fr));
        }
        out.add(new FoldedStack(frames, n));
      } catch (IllegalArgumentException e) {
        // not a folded line (a comment, a cut last line): skip it
      }
    }
    return out;
  }

  /** Fills {@code rows} with the largest classes and the class loaders; returns the total bytes, -1 without text. */
  private static long histogram(String text, List<ClassRow> rows) {
    if (text == null) {
      return -1;
    }
    long total = 0;
    int line = 0;
    for (String l : text.split("\n")) {
      line++;
      Matcher m = HISTO_ROW.matcher(l);
      if (!m.find()) {
        continue;
      }
      long bytes = Long.parseLong(m.group(2));
      total += bytes;
      String name = m.group(3);
      if (rows.size() < HISTOGRAM_TOP || name.endsWith("ClassLoader") || name.endsWith("Loader")) {
        rows.add(new ClassRow(name, Long.parseLong(m.group(1)), bytes, line));
      }
    }
    return total;
  }
}
