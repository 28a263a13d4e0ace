package dev.supportpacket.agent.collect.logs;

import dev.supportpacket.agent.collect.CollectContext;
import dev.supportpacket.agent.collect.Collector;
import dev.supportpacket.agent.collect.LoadedClasses;
import dev.supportpacket.agent.collect.config.ConfigDiscovery;
import dev.supportpacket.agent.options.PacketOptions;
import dev.supportpacket.agent.packet.Packet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Writes the application's log files under {@code logs/}, {@code logs/index.yaml} and {@code logs/summary.json}
 * (ERROR/WARN counts, exception types, templates, the last error: see {@link LogSummary}). Active logs first, each its
 * last {@code logTail} MB; then rolled files, newest first, each at most {@code logTail} MB too, until the total
 * reaches {@code logBudget} MB. Whole lines only; gzip files are decompressed; everything passes the sanitizer.
 * When no log file is found it is skipped, and the reason lists everything that was checked.
 */
public final class LogFilesCollector implements Collector {
  /** Less budget than this left: the next file would give a few lines out of context, so it is listed instead. */
  static final long MIN_USEFUL_BYTES = 64 * 1024;

  private final LoadedClasses loaded;

  public LogFilesCollector() {
    this(LoadedClasses.NONE);
  }

  /** @param loaded the JVM's loaded classes, where the loaders of web applications' logging frameworks are found */
  public LogFilesCollector(LoadedClasses loaded) {
    this.loaded = loaded;
  }

  @Override
  public String id() {
    return "log-files";
  }

  @Override
  public Duration timeout(PacketOptions options) {
    // The default 50 MB passes the sanitizer at a few MB/s on a busy machine, some of it gunzipped twice.
    return Duration.ofSeconds(120);
  }

  @Override
  public void collect(CollectContext ctx, Packet packet) throws Exception {
    collect(LogDiscovery.ofThisProcess(loaded), ctx.options(), packet);
  }

  void collect(LogDiscovery discovery, PacketOptions options, Packet packet) throws Exception {
    List<LogFile> found = discovery.discover();
    write(found, discovery.checked(), options, packet);
  }

  /** Writes these files within the options' tail and budget; {@code checked} goes into the index or the reason. */
  void write(List<LogFile> found, List<String> checked, PacketOptions options, Packet packet) throws Exception {
    List<LogFile> files = new ArrayList<>(found);
    if (files.isEmpty()) {
      throw new Skipped("no log file found; checked: " + String.join("; ", checked));
    }
    // Active logs first, then rolled ones newest first: the budget goes to what is closest to the problem.
    files.sort(Comparator.comparing((LogFile f) -> f.role).thenComparing(LogFilesCollector::modified,
        Comparator.reverseOrder()));
    long budget = options.logBudgetBytes();
    Set<String> names = new HashSet<>();
    LogSummary summary = new LogSummary();
    List<Object> included = new ArrayList<>();
    List<Object> left = new ArrayList<>();
    for (LogFile f : files) {
      Map<String, Object> item = new LinkedHashMap<>();
      item.put("source", f.shownAs.toString());
      if (f.deleted()) {
        item.put("deleted", true);
        item.put("read_through", f.path.toString());
      }
      item.put("role", f.role.name().toLowerCase(java.util.Locale.ROOT));
      item.put("found_by", f.foundBy);
      if (budget < MIN_USEFUL_BYTES) {
        item.put("reason", "log budget of " + options.logBudgetBytes() / (1024 * 1024) + " MB used up");
        left.add(item);
        continue;
      }
      if (f.shownAs.getFileName().toString().matches(".*\\.(zip|bz2|xz|lz4|zst)$")) {
        item.put("reason", "compressed in a format the agent does not read");
        left.add(item);
        continue;
      }
      Optional<String> binary;
      try {
        binary = LogTail.binaryContent(f.path, f.gzip());
      } catch (IOException e) {
        item.put("reason", "cannot read: " + e);
        left.add(item);
        continue;
      }
      if (binary.isPresent()) {
        // Decoded as text it would be megabytes of replacement chars, and the sanitizer's rules cannot see into it.
        item.put("reason", "binary content, not a text log: " + binary.get());
        left.add(item);
        continue;
      }
      String entry = uniqueName(entryName(f), names);
      long limit = Math.min(options.logTailBytes(), budget);
      LogTail.Copied[] copied = new LogTail.Copied[1];
      try {
        String date = fileDate(f);
        // The summary reads the lines after the sanitizer: it is made of what the packet holds, nothing more.
        LogSummary.Tap tap = summary.observe(entry, date, java.io.Writer.nullWriter());
        packet.addText(entry, out -> copied[0] = LogTail.copy(f.path, f.gzip(), f.role == LogFile.Role.ACTIVE,
            limit, out), tap);
        tap.finish();
      } catch (IOException e) {
        item.put("reason", "cannot read: " + e);
        left.add(item);
        continue;
      }
      budget -= copied[0].bytes;
      Map<String, Object> ok = new LinkedHashMap<>();
      ok.put("entry", entry);
      ok.putAll(item);
      ok.put(f.gzip() ? "size_decompressed" : "size", copied[0].length);
      ok.put("from_offset", copied[0].from);
      ok.put("bytes_included", copied[0].bytes);
      ok.put("complete", copied[0].from == 0);
      included.add(ok);
    }
    Map<String, Object> index = new LinkedHashMap<>();
    index.put("log_tail_mb", options.logTailBytes() / (1024 * 1024));
    index.put("log_budget_mb", options.logBudgetBytes() / (1024 * 1024));
    index.put("files", included);
    if (!left.isEmpty()) {
      index.put("not_included", left);
    }
    index.put("checked", checked);
    packet.addYaml("logs/index.yaml", index);
    packet.addJson("logs/summary.json", summary.toJson());
  }

  /** The day a file was last written, for layouts that print the time of day only (logback's default). */
  private static String fileDate(LogFile f) {
    return java.time.Instant.ofEpochMilli(modified(f)).atZone(java.time.ZoneId.systemDefault()).toLocalDate().toString();
  }

  /** {@code logs/} + the path relative to the working directory (or {@code abs/…}), without {@code .gz}. */
  static String entryName(LogFile f) {
    Path cwd = java.nio.file.Paths.get(System.getProperty("user.dir", ".")).toAbsolutePath().normalize();
    Path p = f.shownAs.toAbsolutePath().normalize();
    String rel = p.startsWith(cwd) ? cwd.relativize(p).toString() : "abs/" + p;
    if (rel.endsWith(".gz")) {
      rel = rel.substring(0, rel.length() - 3);
    }
    return "logs/" + ConfigDiscovery.safeName(rel);
  }

  private static String uniqueName(String name, Set<String> taken) {
    String n = name;
    for (int i = 2; !taken.add(n) || n.equals("logs/index.yaml") || n.equals("logs/summary.json"); i++) {
      n = name + "~" + i;
    }
    return n;
  }

  private static long modified(LogFile f) {
    try {
      return Files.getLastModifiedTime(f.path).toMillis();
    } catch (IOException e) {
      return 0;
    }
  }
}
