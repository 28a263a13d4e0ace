package dev.supportpacket.agent.report;

import dev.supportpacket.agent.packet.EntryRecord;
import java.io.IOException;
import java.io.Writer;
import java.util.List;
import java.util.Map;

/** README.html: a page a person opens first, saying what each file holds and what is missing. */
public final class ReadmeHtml {
  private static final Map<String, String> DESCRIPTIONS =
      Map.ofEntries(
          Map.entry("metadata.yaml", "what this packet is: versions, host, pid, application, trigger"),
          Map.entry("report.txt", "each collector: ok, failed, skipped or off, time, size, reason; redactions per file"),
          Map.entry("warning.txt", "what is missing from this packet and why"),
          Map.entry("profile/cpu.jfr", "CPU samples (JFR): open with JDK Mission Control or `jfr print`"),
          Map.entry("profile/cpu-folded.txt", "CPU samples as folded stacks: feed to flamegraph.pl or speedscope"),
          Map.entry("threads/threads.txt", "every thread with its stack and locks; deadlocks first"),
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

  private ReadmeHtml() {}

  public static void write(Writer w, AppIdentity app, Report report, List<EntryRecord> entries) throws IOException {
    w.write("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Support packet: " + esc(app.name())
        + "</title></head>\n<body>\n");
    w.write("<h1>Support packet of " + esc(app.name()) + " (pid " + app.pid() + " on " + esc(app.host()) + ")</h1>\n");
    if (report.unsanitized()) {
      w.write("<p style=\"color:#b00;font-weight:bold\">THIS PACKET HOLDS UNSANITIZED MEMORY: the heap dump was"
          + " stored without scrubbing, on request, and holds every secret that was in the application's memory."
          + " Everything else was sanitized.</p>\n");
    }
    w.write("<p>" + (report.complete() ? "This packet is complete."
        : "<strong>This packet is incomplete</strong>: see warning.txt.") + (report.unsanitized() ? " Every other file was sanitized" : " Every file was sanitized") + ": secrets read"
        + " <code>[REDACTED:xxxxxxxx]</code>, the same secret with the same token throughout the packet.</p>\n");
    w.write("<table border=\"1\" cellpadding=\"4\">\n<tr><th>file</th><th>bytes</th><th>what it holds</th></tr>\n");
    for (EntryRecord e : entries) {
      w.write("<tr><td><code>" + esc(e.name) + "</code></td><td>" + e.bytes + "</td><td>"
          + esc(describe(e.name)) + "</td></tr>\n");
    }
    w.write("</table>\n<h2>Collectors</h2>\n<ul>\n");
    for (Outcome o : report.outcomes()) {
      w.write("<li><code>" + esc(o.collector) + "</code>: " + o.status.name().toLowerCase()
          + (o.reason.isEmpty() ? "" : " (" + esc(o.reason) + ")") + "</li>\n");
    }
    w.write("</ul>\n</body></html>\n");
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

  private static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
