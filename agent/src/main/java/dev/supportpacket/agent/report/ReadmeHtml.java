package dev.supportpacket.agent.report;

import dev.supportpacket.agent.AppIdentity;
import dev.supportpacket.agent.findings.Analysis;
import dev.supportpacket.agent.findings.model.ClassRow;
import dev.supportpacket.agent.findings.model.Events;
import dev.supportpacket.agent.findings.model.FoldedStack;
import dev.supportpacket.agent.findings.model.LogSummary;
import dev.supportpacket.agent.findings.model.PacketModel;
import dev.supportpacket.agent.findings.model.Reading;
import dev.supportpacket.agent.findings.model.Snapshot;
import dev.supportpacket.agent.findings.model.ThreadSample;
import dev.supportpacket.agent.findings.rules.Evidence;
import dev.supportpacket.agent.findings.rules.Finding;
import dev.supportpacket.agent.packet.EntryRecord;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * README.html, the page a person opens first: the verdict (findings, most important first, with links to their
 * evidence; what was not checked), then a CPU flame graph, threads, memory, logs, settings and every file. Static
 * HTML readable without JavaScript; only the flame graph needs it. Self-contained: no network, no external asset.
 * Every collected name is escaped, in the markup and in the graph's data.
 */
public final class ReadmeHtml {
  public static final String ENTRY = "README.html";
  /** The entries written after this page, listed in its file table all the same. */
  private static final List<String> CLOSING = List.of(Analysis.ENTRY, ENTRY, "audit/record.json");
  private static final int TOP = 10;
  private static final int STACK_DEPTH = 25;

  private static final Map<String, String> DESCRIPTIONS =
      Map.ofEntries(
          Map.entry("README.html", "this page"),
          Map.entry(Analysis.ENTRY, "the findings of this page, as JSON: id, severity, score, title, summary, evidence"),
          Map.entry("audit/record.json", "the audit record of this packet's own creation"),
          Map.entry("metadata.yaml", "what this packet is: versions, host, pid, application, trigger"),
          Map.entry("report.txt", "each collector: ok, failed, skipped or off, time, size, reason; redactions per file"),
          Map.entry("warning.txt", "what is missing from this packet and why"),
          Map.entry("profile/cpu.jfr", "CPU samples (JFR): open with JDK Mission Control or `jfr print`"),
          Map.entry("profile/cpu-folded.txt", "CPU samples as folded stacks: feed to flamegraph.pl or speedscope"),
          Map.entry("threads/threads.txt", "every thread with its stack and locks; deadlocks first"),
          Map.entry("threads/snapshots.json", "three thread snapshots over the window, with CPU time and locks"),
          Map.entry("jvm/readings.json", "JVM numbers at the start and end of the window"),
          Map.entry("jvm/events.json", "JFR aggregates over the window: GC pauses, lock waits, slow I/O, exceptions"),
          Map.entry("logs/summary.json", "ERROR and WARN counts of the logs, top exceptions, the last error"),
          Map.entry("heap/histogram.txt", "instances and bytes per class, largest first"),
          Map.entry("heap/heap.hprof.gz", "heap dump (HPROF, gzip): object graph, sizes, class and field names; the"
              + " contents of char[] and byte[] (all text) and symbols that name nothing are replaced by '*'. Open"
              + " with Eclipse MAT or VisualVM after gunzip"),
          Map.entry("heap/heap-UNSANITIZED.hprof.gz", "UNSANITIZED heap dump (HPROF, gzip), stored on request: it"
              + " holds every secret that was in memory"),
          Map.entry("jvm/system-properties.yaml", "system properties"),
          Map.entry("jvm/environment.yaml", "environment variables"),
          Map.entry("jvm/arguments.yaml", "command line, JVM arguments, main class or jar, program arguments"),
          Map.entry("jvm/flags.yaml", "VM flags not at their default"),
          Map.entry("jvm/runtime.yaml", "versions, uptime, memory pools, GC, classes, threads, OS, container limits"),
          Map.entry("config/index.yaml", "each config file: where it came from and how it was found"),
          Map.entry("logs/index.yaml", "each log file: source, how it was found, which part is included; what was checked"));

  private static final String CSS = "body{font:14px/1.45 sans-serif;margin:1.5em auto;max-width:1200px;padding:0 1em;"
      + "color:#222}h1{font-size:1.5em}h2{border-bottom:1px solid #ccc;margin-top:2em}table{border-collapse:collapse;"
      + "margin:.5em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top}"
      + "td.n{text-align:right;font-variant-numeric:tabular-nums}.sev{font-weight:bold;padding:1px 6px;"
      + "border-radius:3px;color:#fff}.critical{background:#b00020}.warning{background:#d46b00}.info{background:#1565c0}"
      + ".finding{border-left:4px solid #ccc;padding:.3em .8em;margin:.8em 0}.ok{color:#1b5e20;font-weight:bold}"
      + ".bar{display:inline-block;width:160px;height:10px;background:#eee;vertical-align:middle}"
      + ".bar span{display:block;height:10px;background:#1565c0}pre{background:#f6f6f6;padding:.5em;overflow:auto}"
      + ".flamegraph canvas{display:block;width:100%;margin-top:4px}.fg-tip{font:12px monospace;min-height:1.4em}"
      + ".unsafe{color:#b00;font-weight:bold}";

  private ReadmeHtml() {}

  /** The page of the packet being written. */
  public static void write(Writer w, AppIdentity app, Report report, List<EntryRecord> entries, Analysis analysis)
      throws IOException {
    write(w, PacketFacts.of(app, report, entries), analysis);
  }

  public static void write(Writer w, PacketFacts facts, Analysis analysis) throws IOException {
    StringBuilder b = new StringBuilder(64 * 1024);
    PacketModel m = analysis.model();
    b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>Support packet: ")
        .append(esc(facts.app)).append("</title>\n<style>").append(CSS).append("</style></head>\n<body>\n");
    b.append("<h1>Support packet of ").append(esc(facts.app)).append(" (pid ").append(esc(facts.pid)).append(" on ")
        .append(esc(facts.host)).append(")</h1>\n");
    verdict(b, facts, analysis);
    nav(b);
    cpu(b, m);
    threads(b, m);
    memory(b, m);
    logs(b, m);
    settings(b, m);
    files(b, facts);
    b.append("</body></html>\n");
    w.write(b.toString());
  }

  private static void verdict(StringBuilder b, PacketFacts facts, Analysis analysis) {
    b.append("<section id=\"verdict\">\n");
    if (facts.unsanitized) {
      b.append("<p class=\"unsafe\">THIS PACKET HOLDS UNSANITIZED MEMORY: the heap dump was stored without"
          + " scrubbing, on request, and holds every secret that was in the application's memory. Everything else"
          + " was sanitized.</p>\n");
    }
    List<Finding> alarming = analysis.alarming();
    if (alarming.isEmpty()) {
      b.append("<p class=\"ok\">Nothing wrong found.</p>\n");
    } else {
      b.append("<p><strong>").append(alarming.size()).append(alarming.size() == 1 ? " problem" : " problems")
          .append(" found</strong>, the most important first:</p>\n");
    }
    for (Finding f : analysis.findings()) {
      b.append("<div class=\"finding\" id=\"finding-").append(esc(f.id)).append("\"><span class=\"sev ")
          .append(f.severity.label()).append("\">").append(f.severity.label()).append("</span> <code>")
          .append(esc(f.id)).append("</code> <strong>").append(esc(f.title)).append("</strong> <small>(score ")
          .append(f.score).append(")</small>");
      if (!f.explains.isEmpty()) {
        b.append("<br><em>Root cause of: ").append(esc(String.join(", ", f.explains))).append("</em>");
      }
      b.append("<p>").append(esc(f.summary)).append("</p>");
      if (!f.evidence.isEmpty()) {
        b.append("<ul>");
        for (Evidence e : f.evidence) {
          b.append("<li><a href=\"").append(esc(e.entry)).append("\">").append(esc(e.entry)).append("</a>")
              .append(e.line > 0 ? " line " + e.line : "").append(": <code>").append(esc(e.text)).append("</code></li>");
        }
        b.append("</ul>");
      }
      b.append("</div>\n");
    }
    b.append("<p>").append(facts.complete ? "This packet is complete."
        : "<strong>This packet is incomplete</strong>: see <a href=\"warning.txt\">warning.txt</a>.")
        .append(facts.unsanitized ? " Every other file was sanitized" : " Every file was sanitized")
        .append(": secrets read <code>[REDACTED:xxxxxxxx]</code>, the same secret with the same token throughout"
            + " the packet.</p>\n");
    if (!analysis.model().notChecked.isEmpty()) {
      b.append("<p>Not checked (the packet lacks the data):</p><ul>\n");
      for (String n : analysis.model().notChecked) {
        b.append("<li>").append(esc(n)).append("</li>\n");
      }
      b.append("</ul>\n");
    }
    b.append("</section>\n");
  }

  private static void nav(StringBuilder b) {
    b.append("<p>Sections: <a href=\"#cpu\">CPU</a> · <a href=\"#threads\">threads</a> · <a href=\"#memory\">"
        + "memory</a> · <a href=\"#logs\">logs</a> · <a href=\"#settings\">JVM and container</a> · "
        + "<a href=\"#files\">files</a></p>\n");
  }

  private static void cpu(StringBuilder b, PacketModel m) {
    b.append("<h2 id=\"cpu\">CPU</h2>\n");
    long total = m.cpuSamples();
    if (total == 0) {
      b.append("<p>No CPU samples in this packet.</p>\n");
      return;
    }
    String js = script();
    if (!js.isEmpty()) {
      b.append("<p>").append(fmt(total)).append(" samples of <a href=\"profile/cpu-folded.txt\">profile/cpu-folded.txt"
          + "</a>, callers above callees; click a frame to zoom.</p>\n<div class=\"flamegraph\" data-source=\"cpu-data\">"
          + "<p class=\"fg-nojs\">The flame graph needs JavaScript; the table below does not.</p></div>\n"
          + "<script type=\"application/json\" id=\"cpu-data\">").append(FlameGraph.of(m.cpu).json())
          .append("</script>\n");
    }
    Map<String, Long> leaves = new HashMap<>();
    for (FoldedStack s : m.cpu) {
      leaves.merge(s.leaf(), s.count, Long::sum);
    }
    b.append("<table><tr><th>method on CPU (self)</th><th>samples</th><th>share</th></tr>\n");
    leaves.entrySet().stream().sorted((x, y) -> Long.compare(y.getValue(), x.getValue())).limit(TOP).forEach(e ->
        b.append("<tr><td><code>").append(esc(e.getKey())).append("</code></td><td class=\"n\">").append(e.getValue())
            .append("</td><td class=\"n\">").append(pct(e.getValue(), total)).append("</td></tr>\n"));
    b.append("</table>\n");
    if (!js.isEmpty()) {
      b.append("<script>").append(js).append("</script>\n");
    }
  }

  private static void threads(StringBuilder b, PacketModel m) {
    b.append("<h2 id=\"threads\">Threads</h2>\n");
    if (m.snapshots.isEmpty()) {
      b.append("<p>No thread dump in this packet.</p>\n");
      return;
    }
    Snapshot last = m.snapshots.get(m.snapshots.size() - 1);
    Map<String, Integer> states = new TreeMap<>();
    int ours = 0;
    for (ThreadSample t : last.threads) {
      if (t.agent) {
        ours++;
      } else {
        states.merge(t.state, 1, Integer::sum);
      }
    }
    b.append("<p>").append(last.threads.size() - ours).append(" application threads");
    states.forEach((s, n) -> b.append(", ").append(n).append(' ').append(esc(s)));
    b.append(ours > 0 ? " (and " + ours + " of the packet agent's own, left out below)" : "").append(". From <a href=\"")
        .append(esc(m.threadsEntry)).append("\">").append(esc(m.threadsEntry)).append("</a>, ")
        .append(m.snapshots.size()).append(m.snapshots.size() == 1 ? " snapshot" : " snapshots").append(".</p>\n");
    for (List<Long> cycle : m.deadlocks) {
      List<String> names = new ArrayList<>();
      cycle.forEach(id -> last.thread(id).ifPresent(t -> names.add("\"" + t.name + "\"")));
      b.append("<p class=\"unsafe\">Deadlock: ").append(esc(String.join(", ", names))).append("</p>\n");
    }
    boolean delta = m.snapshots.size() >= 2;
    long span = delta ? last.atMs - m.snapshots.get(0).atMs : -1;
    List<ThreadSample> app = new ArrayList<>();
    Map<Long, Long> cpu = new HashMap<>();
    for (ThreadSample t : last.threads) {
      if (!t.agent) {
        app.add(t);
        long first = delta ? m.history(t.id).get(0).cpuNs : 0;
        cpu.put(t.id, t.cpuNs < 0 ? -1 : t.cpuNs - Math.max(0, first));
      }
    }
    app.sort((x, y) -> Long.compare(cpu.get(y.id), cpu.get(x.id)));
    b.append("<h3>Top threads by CPU").append(delta && span > 0 ? " over the window (" + span + " ms)" : " since they started")
        .append("</h3>\n");
    for (ThreadSample t : app.subList(0, Math.min(TOP, app.size()))) {
      long ns = cpu.get(t.id);
      b.append("<details><summary><code>").append(esc(t.name)).append("</code> ").append(esc(t.state)).append(", ")
          .append(ns < 0 ? "CPU unknown" : ns / 1_000_000 + " ms CPU"
              + (delta && span > 0 ? " (" + pct(ns / 1_000_000, span) + " of a core)" : ""))
          .append("</summary><pre>").append(esc(stack(t))).append("</pre></details>\n");
    }
    locks(b, last);
  }

  /** Contended locks of the last snapshot: who holds each, who waits. */
  private static void locks(StringBuilder b, Snapshot s) {
    Map<String, List<ThreadSample>> waiters = new LinkedHashMap<>();
    for (ThreadSample t : s.threads) {
      if (!t.lock.isEmpty() && t.lockOwnerId >= 0) {
        waiters.computeIfAbsent(t.lock, k -> new ArrayList<>()).add(t);
      }
    }
    if (waiters.isEmpty()) {
      b.append("<p>No thread waits for a lock another thread holds.</p>\n");
      return;
    }
    b.append("<h3>Locks held and waited for</h3>\n<table><tr><th>lock</th><th>held by</th><th>waiting</th></tr>\n");
    waiters.entrySet().stream().sorted((x, y) -> y.getValue().size() - x.getValue().size()).limit(TOP).forEach(e -> {
      ThreadSample w = e.getValue().get(0);
      String owner = s.thread(w.lockOwnerId).map(o -> "\"" + o.name + "\" at " + o.top()).orElse("#" + w.lockOwnerId);
      List<String> names = new ArrayList<>();
      e.getValue().forEach(t -> names.add("\"" + t.name + "\""));
      b.append("<tr><td><code>").append(esc(e.getKey())).append("</code></td><td>").append(esc(owner))
          .append("</td><td>").append(names.size()).append(": ").append(esc(String.join(", ", names)))
          .append("</td></tr>\n");
    });
    b.append("</table>\n");
  }

  private static String stack(ThreadSample t) {
    StringBuilder sb = new StringBuilder();
    if (!t.lock.isEmpty()) {
      sb.append("waiting for ").append(t.lock).append('\n');
    }
    for (int i = 0; i < Math.min(STACK_DEPTH, t.stack.size()); i++) {
      sb.append("  at ").append(t.stack.get(i)).append('\n');
    }
    if (t.stack.size() > STACK_DEPTH) {
      sb.append("  … ").append(t.stack.size() - STACK_DEPTH).append(" more frames\n");
    }
    return sb.toString();
  }

  private static void memory(StringBuilder b, PacketModel m) {
    b.append("<h2 id=\"memory\">Memory and GC</h2>\n");
    if (m.end.isPresent()) {
      Reading r = m.end.get();
      b.append("<p>Heap: ").append(mb(r.heapUsed())).append(" used, ").append(mb(r.heapCommitted()))
          .append(" committed, max ").append(mb(r.heapMax())).append(' ').append(bar(r.heapUsed(), r.heapMax()))
          .append(" (from <a href=\"").append(esc(r.entry)).append("\">").append(esc(r.entry)).append("</a>)</p>\n");
      b.append("<table><tr><th>pool</th><th>used</th><th>after last GC</th><th>max</th><th>of max</th></tr>\n");
      for (Reading.Pool p : r.pools()) {
        b.append("<tr><td>").append(esc(p.name)).append("</td><td class=\"n\">").append(mb(p.used))
            .append("</td><td class=\"n\">").append(p.afterGcUsed < 0 ? "" : mb(p.afterGcUsed))
            .append("</td><td class=\"n\">").append(p.max < 0 ? "no limit" : mb(p.max)).append("</td><td>")
            .append(p.max > 0 ? bar(Math.max(p.used, p.afterGcUsed), p.max) : "").append("</td></tr>\n");
      }
      b.append("</table>\n<table><tr><th>collector</th><th>collections</th><th>time</th><th>in the window</th></tr>\n");
      for (Reading.Gc g : r.gcs()) {
        String window = "";
        if (m.hasDelta()) {
          for (Reading.Gc s : m.start.get().gcs()) {
            if (s.name.equals(g.name)) {
              window = (g.count - s.count) + " collections, " + (g.timeMs - s.timeMs) + " ms ("
                  + pct(g.timeMs - s.timeMs, m.windowMs()) + " of " + m.windowMs() + " ms)";
            }
          }
        }
        b.append("<tr><td>").append(esc(g.name)).append("</td><td class=\"n\">").append(g.count)
            .append("</td><td class=\"n\">").append(g.timeMs).append(" ms</td><td>").append(esc(window))
            .append("</td></tr>\n");
      }
      b.append("</table>\n");
    } else {
      b.append("<p>No JVM readings in this packet.</p>\n");
    }
    if (!m.histogram.isEmpty()) {
      b.append("<h3>Largest classes (<a href=\"heap/histogram.txt\">heap/histogram.txt</a>)</h3>\n<table><tr><th>class"
          + "</th><th>objects</th><th>bytes</th><th>share</th></tr>\n");
      for (ClassRow c : m.histogram.subList(0, Math.min(TOP, m.histogram.size()))) {
        b.append("<tr><td><code>").append(esc(c.readableName())).append("</code></td><td class=\"n\">")
            .append(fmt(c.instances)).append("</td><td class=\"n\">").append(mb(c.bytes)).append("</td><td class=\"n\">")
            .append(pct(c.bytes, m.histogramBytes)).append("</td></tr>\n");
      }
      b.append("</table>\n");
    }
    if (m.events.isPresent() && !m.events.get().allocation.isEmpty()) {
      b.append("<h3>Allocated during the window (JFR samples)</h3>\n<table><tr><th>class</th><th>bytes (weight)</th>"
          + "<th>where</th></tr>\n");
      for (Events.Allocation a : m.events.get().allocation.subList(0, Math.min(TOP, m.events.get().allocation.size()))) {
        b.append("<tr><td><code>").append(esc(a.className)).append("</code></td><td class=\"n\">").append(mb(a.weightBytes))
            .append("</td><td><code>").append(esc(a.topFrame)).append("</code></td></tr>\n");
      }
      b.append("</table>\n");
    }
  }

  private static void logs(StringBuilder b, PacketModel m) {
    b.append("<h2 id=\"logs\">Logs</h2>\n");
    if (m.logs.isEmpty()) {
      b.append("<p>No log summary in this packet").append(m.has("logs/index.yaml")
          ? "; the log files found are listed in <a href=\"logs/index.yaml\">logs/index.yaml</a>." : ".").append("</p>\n");
      return;
    }
    LogSummary l = m.logs.get();
    b.append("<p>").append(fmt(l.totalErrors())).append(" ERROR lines in the logs' tails (<a href=\"")
        .append(LogSummary.ENTRY).append("\">").append(LogSummary.ENTRY).append("</a>).</p>\n");
    counts(b, "logger", l.byLogger, true);
    counts(b, "exception", l.exceptions, false);
    List<LogSummary.Count> recent = l.perMinute.subList(Math.max(0, l.perMinute.size() - TOP), l.perMinute.size());
    counts(b, "minute", recent, true);
    if (!l.lastError.text.isEmpty()) {
      b.append("<h3>Last error</h3>\n<p>").append(l.lastError.entry.isEmpty() ? "" : "<a href=\"" + esc(l.lastError.entry)
          + "\">" + esc(l.lastError.entry) + "</a> line " + l.lastError.line).append("</p><pre>")
          .append(esc(l.lastError.text + "\n" + String.join("\n", l.lastError.stack))).append("</pre>\n");
    }
  }

  private static void counts(StringBuilder b, String what, List<LogSummary.Count> rows, boolean warn) {
    if (rows.isEmpty()) {
      return;
    }
    b.append("<table><tr><th>").append(what).append("</th><th>").append(warn ? "ERROR" : "count").append("</th>")
        .append(warn ? "<th>WARN</th>" : "<th>example</th>").append("</tr>\n");
    for (LogSummary.Count c : rows.subList(0, Math.min(TOP, rows.size()))) {
      b.append("<tr><td><code>").append(esc(c.key)).append("</code></td><td class=\"n\">").append(c.error)
          .append("</td><td").append(warn ? " class=\"n\">" + c.warn : "><code>" + esc(c.example) + "</code>")
          .append("</td></tr>\n");
    }
    b.append("</table>\n");
  }

  private static void settings(StringBuilder b, PacketModel m) {
    b.append("<h2 id=\"settings\">JVM and container</h2>\n");
    if (m.end.isPresent()) {
      Reading r = m.end.get();
      b.append("<table>");
      row(b, "CPUs the JVM sees", num(r.cpus()));
      row(b, "heap max", mb(r.heapMax()));
      row(b, "threads live / peak / started", num(r.threadsLive()) + " / " + num(r.threadsPeak()) + " / "
          + num(r.threadsStarted()));
      row(b, "classes loaded / unloaded", num(r.classesLoaded()) + " / " + num(r.classesUnloaded()));
      row(b, "file descriptors open / max", num(r.fdsOpen()) + " / " + num(r.fdsMax()));
      row(b, "machine memory", mb(r.osTotalMemory()));
      row(b, "container memory limit", r.containerMemoryLimit() < 0 ? "none" : mb(r.containerMemoryLimit()));
      row(b, "container memory in use", mb(r.containerMemoryUsage()));
      long quota = r.container("cpu_quota_us");
      long period = r.container("cpu_period_us");
      row(b, "container CPU limit", quota > 0 && period > 0
          ? String.format(Locale.ROOT, "%.2f CPUs", (double) quota / period) : "none");
      if (r.container("nr_throttled") >= 0) {
        row(b, "CPU throttled", r.container("nr_throttled") + " periods, " + r.container("throttled_us") / 1000 + " ms");
      }
      b.append("</table>\n");
    }
    if (!m.flags.isEmpty()) {
      b.append("<details><summary>VM flags not at their default (<a href=\"jvm/flags.yaml\">jvm/flags.yaml</a>)"
          + "</summary><table>");
      m.flags.forEach((k, v) -> row(b, k, v));
      b.append("</table></details>\n");
    }
  }

  private static void files(StringBuilder b, PacketFacts facts) {
    b.append("<h2 id=\"files\">Files</h2>\n<table><tr><th>file</th><th>bytes</th><th>what it holds</th></tr>\n");
    Map<String, Long> all = new LinkedHashMap<>(facts.files);
    for (String c : CLOSING) {
      all.putIfAbsent(c, -1L);
    }
    all.forEach((name, bytes) -> b.append("<tr><td><a href=\"").append(esc(name)).append("\"><code>").append(esc(name))
        .append("</code></a></td><td class=\"n\">").append(bytes < 0 ? "" : Long.toString(bytes)).append("</td><td>")
        .append(esc(describe(name))).append("</td></tr>\n"));
    b.append("</table>\n");
    if (!facts.collectors.isEmpty()) {
      b.append("<h3>Collectors</h3>\n<ul>\n");
      for (String c : facts.collectors) {
        b.append("<li><code>").append(esc(c)).append("</code></li>\n");
      }
      b.append("</ul>\n");
    }
  }

  private static void row(StringBuilder b, String k, String v) {
    b.append("<tr><th>").append(esc(k)).append("</th><td>").append(esc(v)).append("</td></tr>");
  }

  private static String describe(String name) {
    String d = DESCRIPTIONS.get(name);
    if (d != null) {
      return d;
    }
    if (name.startsWith("config/")) {
      return "a config file of the application, values under secret keys replaced (see config/index.yaml)";
    }
    if (name.startsWith("logs/")) {
      return "a log file of the application, its last part in whole lines (see logs/index.yaml)";
    }
    return "";
  }

  /** The flame graph's script, "" when it cannot be read (the page then shows the table only). */
  private static String script() {
    try (InputStream in = ReadmeHtml.class.getResourceAsStream("flame.js")) {
      return in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("</", "<\\/");
    } catch (IOException e) {
      return "";
    }
  }

  private static String bar(long part, long whole) {
    if (part < 0 || whole <= 0) {
      return "";
    }
    long p = Math.min(100, Math.round(100.0 * part / whole));
    return "<span class=\"bar\" title=\"" + p + " %\"><span style=\"width:" + p + "%\"></span></span> " + p + " %";
  }

  private static String pct(long part, long whole) {
    return whole <= 0 ? "" : String.format(Locale.ROOT, "%.1f %%", 100.0 * part / whole);
  }

  private static String mb(long bytes) {
    return bytes < 0 ? "?" : String.format(Locale.ROOT, "%,.1f MB", bytes / (1024.0 * 1024.0));
  }

  private static String fmt(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  private static String num(long n) {
    return n < 0 ? "?" : fmt(n);
  }

  static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
        .replace("'", "&#39;");
  }
}
