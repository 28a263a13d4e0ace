package dev.supportpacket.agent.collect.heap;

import dev.supportpacket.agent.collect.CollectContext;
import dev.supportpacket.agent.collect.Collector;
import dev.supportpacket.agent.collect.DiagnosticCommands;
import dev.supportpacket.agent.packet.Packet;

/**
 * Writes {@code heap/histogram.txt}: instances, bytes and class, largest first, as {@code jcmd GC.class_histogram}.
 *
 * <p>By default it counts all objects, unreachable ones included: counting only live ones forces a full GC, a pause
 * the application did not ask for. {@code histogram=live} opts in to that.
 */
public final class HeapHistogramCollector implements Collector {
  @Override
  public String id() {
    return "heap-histogram";
  }

  @Override
  public void collect(CollectContext ctx, Packet packet) throws Exception {
    boolean live = ctx.options().liveHistogram();
    String histogram = live ? DiagnosticCommands.run("gcClassHistogram") : DiagnosticCommands.run("gcClassHistogram", "-all");
    String header =
        live
            ? "# live objects only (a full GC ran first)\n"
            : "# all objects, unreachable ones included (no GC was forced; --histogram=live counts live objects)\n";
    packet.addText("heap/histogram.txt", w -> {
      w.write(header);
      w.write(histogram);
    });
  }
}
