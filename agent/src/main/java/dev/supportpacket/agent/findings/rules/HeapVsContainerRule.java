package dev.supportpacket.agent.findings.rules;

import dev.supportpacket.agent.findings.model.PacketModel;
import dev.supportpacket.agent.findings.model.Reading;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The heap's max plus the JVM's other memory (metaspace, code, threads, buffers) against the container's limit,
 * or the machine's memory without one: past it, the kernel kills the process instead of the JVM throwing an
 * OutOfMemoryError. No JMC rule reads the container's limit.
 */
public final class HeapVsContainerRule implements Rule {
  /** Container memory in use from which an OOM kill is near. */
  static final double USAGE_WARNING = 0.9;

  @Override
  public String id() {
    return "heap-vs-container";
  }

  @Override
  public List<Finding> apply(PacketModel m) {
    if (m.end.isEmpty()) {
      return List.of();
    }
    Reading r = m.end.get();
    long limit = r.containerMemoryLimit();
    String of = "the container's memory limit";
    if (limit <= 0) {
      limit = r.osTotalMemory();
      of = "the machine's memory";
    }
    long heapMax = r.heapMax();
    if (heapMax <= 0 && m.flags.containsKey("MaxHeapSize")) {
      heapMax = Long.parseLong(m.flags.get("MaxHeapSize").replaceAll("\\D", "0"));
    }
    if (limit <= 0 || heapMax <= 0) {
      return List.of();
    }
    List<Finding> out = new ArrayList<>();
    long other = Math.max(0, r.nonHeapCommitted()) + Math.max(0, r.buffersUsed());
    Evidence ev = new Evidence(r.entry, m.lineOf(r.entry, "memory_limit"), "memory limit " + limit);
    Evidence heap = new Evidence(m.has(PacketModel.FLAGS) ? PacketModel.FLAGS : r.entry,
        m.lineOf(m.has(PacketModel.FLAGS) ? PacketModel.FLAGS : r.entry, "MaxHeapSize"), "max heap " + heapMax);
    if (heapMax >= limit) {
      out.add(Finding.scored(id(), 90, "Max heap " + Fmt.mb(heapMax) + " is not below " + of + " ("
          + Fmt.mb(limit) + ")", "The heap may grow to " + Fmt.mb(heapMax) + " but " + of + " is " + Fmt.mb(limit)
          + ": before the heap is full the process is killed, with no OutOfMemoryError and no heap dump. Set -Xmx"
          + " (or -XX:MaxRAMPercentage) so that heap plus about " + Fmt.mb(Math.max(other, 256L << 20))
          + " of other JVM memory fit.", List.of(heap, ev), Set.of()));
    } else if (heapMax + other > limit) {
      out.add(Finding.scored(id(), 75, "Max heap " + Fmt.mb(heapMax) + " plus " + Fmt.mb(other)
          + " of other JVM memory exceed " + of + " (" + Fmt.mb(limit) + ")", "Heap max " + Fmt.mb(heapMax)
          + ", non-heap and buffers " + Fmt.mb(other) + " already committed, limit " + Fmt.mb(limit)
          + ": a full heap would take the process past the limit.", List.of(heap, ev), Set.of()));
    }
    long usage = r.containerMemoryUsage();
    if (r.containerMemoryLimit() > 0 && usage > 0 && usage >= USAGE_WARNING * limit) {
      out.add(Finding.scored(id(), 72, "Container memory at " + Fmt.pct((double) usage / limit) + " of its limit",
          Fmt.mb(usage) + " of " + Fmt.mb(limit) + " in use (page cache included): the kernel kills the process"
              + " when it cannot reclaim more.", List.of(new Evidence(r.entry, m.lineOf(r.entry, "memory_usage"),
              "memory usage " + usage)), Set.of()));
    }
    return out;
  }
}
