package dev.supportpacket.agent.collect.heap;

import dev.supportpacket.agent.collect.CollectContext;
import dev.supportpacket.agent.collect.Collector;
import dev.supportpacket.agent.collect.DiagnosticCommands;
import dev.supportpacket.agent.collect.Headroom;
import dev.supportpacket.agent.packet.Packet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes {@code heap/histogram.txt}: instances, bytes and class, largest first, as {@code jcmd GC.class_histogram}.
 *
 * <p>By default it counts all objects, unreachable ones included: counting only live ones forces a full GC, a pause
 * the application did not ask for. {@code histogram=live} opts in to that. Counting all objects waits (while the
 * profile runs anyway) for the end of the next young collection, when there is the least garbage to walk.
 */
public final class HeapHistogramCollector implements Collector {
  /** The first JDK whose GC.class_histogram takes {@code -parallel}. */
  static final int PARALLEL_SINCE = 16;
  /** How long the walk may wait for a young collection; well inside the default profile, so it costs no wall time. */
  static final Duration MAX_WAIT_FOR_YOUNG_GC = Duration.ofSeconds(2);

  @Override
  public String id() {
    return "heap-histogram";
  }

  @Override
  public void collect(CollectContext ctx, Packet packet) throws Exception {
    boolean live = ctx.options().liveHistogram();
    List<String> args = new ArrayList<>();
    if (!live) {
      args.add("-all");
    }
    if (Runtime.version().feature() >= PARALLEL_SINCE) {
      // The walk stops the application; by default HotSpot walks with 3/8 of the CPUs (one thread on 2 cores).
      args.add("-parallel=" + Runtime.getRuntime().availableProcessors());
    }
    String header;
    if (live) {
      header = "# live objects only (a full GC ran first)\n";
    } else {
      Duration wait = min(MAX_WAIT_FOR_YOUNG_GC, ctx.options().profileDuration().dividedBy(2));
      header = "# all objects, unreachable ones included (no GC was forced; --histogram=live counts live objects)"
          + (YoungCollections.awaitNext(wait) ? "; taken right after a young collection, when garbage is least\n" : "\n");
    }
    // The walk itself allocates nothing in the heap, but its text (about 100 bytes per class) arrives as one String.
    Headroom.require("the heap histogram");
    String histogram = DiagnosticCommands.run("gcClassHistogram", args.toArray(new String[0]));
    packet.addText("heap/histogram.txt", w -> {
      w.write(header);
      w.write(histogram);
    });
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
