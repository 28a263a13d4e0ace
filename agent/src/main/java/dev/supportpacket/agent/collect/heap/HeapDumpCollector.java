package dev.supportpacket.agent.collect.heap;

import com.sun.management.HotSpotDiagnosticMXBean;
import dev.supportpacket.agent.boot.Daemon;
import dev.supportpacket.agent.collect.CollectContext;
import dev.supportpacket.agent.collect.Collector;
import dev.supportpacket.agent.collect.Headroom;
import dev.supportpacket.agent.collect.Progress;
import dev.supportpacket.agent.options.PacketOptions;
import dev.supportpacket.agent.packet.Packet;
import dev.supportpacket.agent.sanitize.hprof.HprofScrubber;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

/**
 * Writes {@code heap/heap.hprof.gz}: a heap dump, scrubbed by {@link HprofScrubber} and compressed in one pass.
 * Off unless asked for ({@code heapDump=live|all}): the dump stops the application for as long as it takes to write
 * (about a second per GB of heap in use, more on a slow disk), and a live dump runs a full GC first. The pause is
 * measured and written into report.txt.
 *
 * <p>The raw dump is written into the packet's private scratch directory (0700; HotSpot creates it 0600) and deleted
 * as soon as it is scrubbed, and on every failure; the scratch directory itself is removed with the packet. Only
 * {@code heapDumpRaw=true} puts it into the packet unscrubbed, as {@link #RAW_ENTRY}.
 */
public final class HeapDumpCollector implements Collector {
  public static final String ENTRY = "heap/heap.hprof.gz";
  public static final String RAW_ENTRY = "heap/heap-UNSANITIZED.hprof.gz";
  /**
   * Disk needed per byte of heap in use: the raw dump (at most the heap in use) and its compressed copy beside it
   * until the raw one is deleted, then that copy inside the archive.
   */
  static final double DISK_PER_HEAP_BYTE = 1.5;

  private static final long POLL_MILLIS = 500;

  @Override
  public String id() {
    return "heap-dump";
  }

  @Override
  public Optional<String> offReason(PacketOptions options) {
    return mode(options) == PacketOptions.HeapDump.OFF
        ? Optional.of("not requested (--heap-dump; it pauses the application)")
        : Optional.empty();
  }

  @Override
  public Duration timeout(PacketOptions options) {
    return Duration.ofMinutes(30);
  }

  @Override
  public boolean runsAfterOthers() {
    return true;
  }

  /** The raw option alone implies a dump of live objects. */
  static PacketOptions.HeapDump mode(PacketOptions options) {
    if (options.heapDump() == PacketOptions.HeapDump.OFF && options.heapDumpRaw()) {
      return PacketOptions.HeapDump.LIVE;
    }
    return options.heapDump();
  }

  /** Free bytes the heap dump needs where the packet is written; 0 when no dump is requested. */
  public static long diskNeeded(PacketOptions options) {
    if (mode(options) == PacketOptions.HeapDump.OFF) {
      return 0;
    }
    long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    return (long) (used * DISK_PER_HEAP_BYTE);
  }

  @Override
  public void collect(CollectContext ctx, Packet packet) throws Exception {
    // A live dump forces a full GC, and the scrubber keeps the dump's string ids in our heap.
    Headroom.require("the heap dump");
    boolean live = mode(ctx.options()) == PacketOptions.HeapDump.LIVE;
    // dumpHeap wants a name ending in .hprof and refuses an existing file: a fresh scratch path, not created.
    Path raw = ctx.scratchPath("heap", ".hprof");
    try {
      long pauseNanos = dump(raw, live, ctx.progress());
      long rawBytes = Files.size(raw);
      packet.note(String.format(Locale.ROOT,
          "%s heap dump of %d MB; the application was stopped (stop-the-world pause) for %d ms while it was written",
          live ? "live-object (a full GC ran first)" : "all-object", rawBytes >> 20,
          TimeUnit.NANOSECONDS.toMillis(pauseNanos)));
      if (ctx.options().heapDumpRaw()) {
        packet.note("UNSANITIZED: the heap dump was stored unscrubbed on request (heapDumpRaw=true)");
        packet.addUnsanitizedBinary(RAW_ENTRY, out -> {
          GZIPOutputStream gz = new GZIPOutputStream(out, 1 << 16);
          try (InputStream in = Files.newInputStream(raw)) {
            in.transferTo(gz);
          }
          gz.finish();
        });
      } else {
        packet.addBinary(ENTRY, new HprofScrubber(bytes -> ctx.progress().phase("heap-scrub", -1, bytes)), raw);
      }
    } finally {
      // Eagerly: the scratch directory goes with the packet, but the raw dump holds every secret in memory.
      Files.deleteIfExists(raw);
    }
  }

  /** Writes the dump, telling its size as it grows; returns how long dumpHeap took (the application's pause). */
  private static long dump(Path raw, boolean live, Progress progress) throws IOException, InterruptedException {
    HotSpotDiagnosticMXBean bean = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
    Thread watcher = Daemon.start("heap-dump-progress", () -> {
      try {
        while (!Thread.currentThread().isInterrupted()) {
          progress.phase("heap-dump", -1, Files.exists(raw) ? Files.size(raw) : 0);
          Thread.sleep(POLL_MILLIS);
        }
      } catch (InterruptedException | IOException | RuntimeException e) {
        // the dump finished, or its file went away with the scratch directory: nothing more to tell
      }
    });
    try {
      long t0 = System.nanoTime();
      bean.dumpHeap(raw.toString(), live);
      return System.nanoTime() - t0;
    } finally {
      watcher.interrupt();
      watcher.join(TimeUnit.SECONDS.toMillis(5));
    }
  }
}
