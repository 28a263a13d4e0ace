package dev.supportpacket.agent.findings.model;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One packet as the rules see it, built by {@link ModelReader} from the packet's sanitized entries, the same
 * whatever triggered the packet. What an older packet (or a failed collector) lacks is absent here and named in
 * {@link #notChecked}.
 */
public final class PacketModel {
  public static final String SNAPSHOTS = "threads/snapshots.json";
  public static final String THREADS = "threads/threads.txt";
  public static final String READINGS = "jvm/readings.json";
  public static final String RUNTIME = "jvm/runtime.yaml";
  public static final String FOLDED = "profile/cpu-folded.txt";
  public static final String HISTOGRAM = "heap/histogram.txt";
  public static final String FLAGS = "jvm/flags.yaml";

  /** Every entry the model is built from: the packet keeps these readable for the analysis at its end. */
  public static final List<String> READS = List.of(SNAPSHOTS, THREADS, READINGS, RUNTIME, Events.ENTRY,
      LogSummary.ENTRY, FOLDED, HISTOGRAM, FLAGS);

  public final List<String> entryNames;
  /** Oldest first; one snapshot (from threads.txt) in a packet without snapshots.json; none without either. */
  public final List<Snapshot> snapshots;
  /** The entry the snapshots come from, "" when none. */
  public final String threadsEntry;
  /** Each deadlock as the ids of its threads. */
  public final List<List<Long>> deadlocks;
  public final Optional<Reading> start;
  /** The last reading: from readings.json, or runtime.yaml in an older packet. */
  public final Optional<Reading> end;
  public final Optional<Events> events;
  public final Optional<LogSummary> logs;
  public final List<FoldedStack> cpu;
  public final List<ClassRow> histogram;
  /** Sum of the histogram, -1 without one. */
  public final long histogramBytes;
  public final Map<String, String> flags;
  /** Lines for the page and the verdict: what could not be checked and why. */
  public final List<String> notChecked;
  private final Map<String, String> texts;

  PacketModel(List<String> entryNames, List<Snapshot> snapshots, String threadsEntry, List<List<Long>> deadlocks,
      Optional<Reading> start, Optional<Reading> end, Optional<Events> events, Optional<LogSummary> logs,
      List<FoldedStack> cpu, List<ClassRow> histogram, long histogramBytes, Map<String, String> flags,
      List<String> notChecked, Map<String, String> texts) {
    this.entryNames = List.copyOf(entryNames);
    this.snapshots = List.copyOf(snapshots);
    this.threadsEntry = threadsEntry;
    this.deadlocks = List.copyOf(deadlocks);
    this.start = start;
    this.end = end;
    this.events = events;
    this.logs = logs;
    this.cpu = List.copyOf(cpu);
    this.histogram = List.copyOf(histogram);
    this.histogramBytes = histogramBytes;
    this.flags = Map.copyOf(flags);
    this.notChecked = List.copyOf(notChecked);
    this.texts = Map.copyOf(texts);
  }

  /**
   * The length of the window the evidence covers, in ms: the JFR window, else between the first and last
   * reading or snapshot; -1 when the packet holds only one moment.
   */
  public long windowMs() {
    if (events.isPresent() && events.get().windowMs > 0) {
      return events.get().windowMs;
    }
    if (start.isPresent() && end.isPresent() && start.get().atMs() > 0 && end.get().atMs() > start.get().atMs()) {
      return end.get().atMs() - start.get().atMs();
    }
    if (snapshots.size() >= 2) {
      long d = snapshots.get(snapshots.size() - 1).atMs - snapshots.get(0).atMs;
      return d > 0 ? d : -1;
    }
    return -1;
  }

  /** Both readings, when the packet has a start and an end. */
  public boolean hasDelta() {
    return start.isPresent() && end.isPresent() && windowMs() > 0;
  }

  public long cpuSamples() {
    long n = 0;
    for (FoldedStack s : cpu) {
      n += s.count;
    }
    return n;
  }

  /** The 1-based number of the first line of {@code entry} that contains {@code needle}; 0 when none. */
  public int lineOf(String entry, String needle) {
    String t = texts.get(entry);
    if (t == null || needle.isEmpty()) {
      return 0;
    }
    int at = t.indexOf(needle);
    if (at < 0) {
      return 0;
    }
    int line = 1;
    for (int i = 0; i < at; i++) {
      if (t.charAt(i) == '\n') {
        line++;
      }
    }
    return line;
  }

  public boolean has(String entry) {
    return entryNames.contains(entry);
  }

  /** The last snapshot's thread of that id in every snapshot, oldest first (fewer when it came or went). */
  public List<ThreadSample> history(long id) {
    List<ThreadSample> out = new java.util.ArrayList<>();
    for (Snapshot s : snapshots) {
      s.thread(id).ifPresent(out::add);
    }
    return out;
  }
}
