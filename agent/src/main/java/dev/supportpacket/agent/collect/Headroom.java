package dev.supportpacket.agent.collect;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.Locale;
import java.util.Optional;

/**
 * The one place that decides whether a step that allocates in the target's heap or walks it (the heap histogram,
 * rewriting the CPU profile, the heap dump) may run now: a packet is often taken of a JVM whose heap is nearly full,
 * and pushing it over kills the patient. Such a step runs only when the heap's free space after the last GC is at
 * least {@value #RESERVE_PERCENT} % of the maximum heap plus {@link #STEP_BUDGET_BYTES}; otherwise it is skipped and
 * the report says why. Immutable: one reading, taken by {@link #now}.
 *
 * <p>Why these figures: below about 10-15 % free after GC a collector already struggles on its own (G1 keeps 10 % as
 * its evacuation reserve by default and reports "to-space exhausted" below it; Parallel GC's overhead limit trips
 * at 2 %), so the first {@value #RESERVE_PERCENT} % belong to the application. On top of it, the step's own peak:
 * the packet's own, {@link #STEP_BUDGET_BYTES}.
 */
public final class Headroom {
  /** Share of the maximum heap left to the application's own collector, in percent. */
  static final int RESERVE_PERCENT = 15;
  /**
   * What the packet may hold at once in the target's heap when its heavy steps run, side by side: a whole first
   * packet was measured at 7-14 MB at most beyond the application (bench/agent-peak.sh, an upper bound read at young
   * collections, JDK 17 and 25), so 16 MB.
   */
  public static final long STEP_BUDGET_BYTES = 16L * 1024 * 1024;

  /**
   * Below this much free after GC no packet starts inside the target at all: the packet code itself, loaded and
   * running, holds about 4 MB of heap (measured, see README) whatever it collects, and the application's own young
   * collections need the rest. Measured on a 128 MB heap with 20 MB/s of garbage: 95 % live (4-6 MB free) died of
   * OutOfMemoryError with the packet code loaded; 93 % and 90 % kept working through two packets.
   */
  static final long MIN_FREE_TO_START_BYTES = 8L * 1024 * 1024;
  /** The same as a share of the maximum heap, in percent, for large heaps. */
  static final int MIN_FREE_TO_START_PERCENT = 3;

  private final long maxBytes;
  private final long usedAfterGcBytes;

  Headroom(long maxBytes, long usedAfterGcBytes) {
    if (maxBytes <= 0 || usedAfterGcBytes < 0) {
      throw new IllegalArgumentException("heap max " + maxBytes + ", used after GC " + usedAfterGcBytes);
    }
    this.maxBytes = maxBytes;
    this.usedAfterGcBytes = usedAfterGcBytes;
  }

  /**
   * The heap now: the sum over heap pools of their usage after the last collection. Eden is empty after any GC. A
   * pool whose after-GC figure is missing or still 0 counts with its current usage, garbage included (an
   * over-estimate, on the safe side): JDK 17's G1 reports the old generation's after-GC usage only after a mixed or
   * full GC, never after a young one.
   */
  public static Headroom now() {
    long used = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() != MemoryType.HEAP || !pool.isValid()) {
        continue;
      }
      MemoryUsage afterGc = pool.getCollectionUsage();
      if (afterGc != null && afterGc.getUsed() > 0) {
        used += afterGc.getUsed();
      } else if (!pool.getName().contains("Eden")) {
        used += pool.getUsage().getUsed();
      }
    }
    long max = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getMax();
    return new Headroom(max > 0 ? max : Runtime.getRuntime().maxMemory(), Math.min(used, max > 0 ? max : used));
  }

  /** Free bytes needed before a heavy step may run. */
  long neededBytes() {
    return maxBytes / 100 * RESERVE_PERCENT + STEP_BUDGET_BYTES;
  }

  long freeAfterGcBytes() {
    return maxBytes - usedAfterGcBytes;
  }

  /** Empty when {@code step} may run; otherwise why it may not, for report.txt and warning.txt. */
  public Optional<String> refusal(String step) {
    if (!tight()) {
      return Optional.empty();
    }
    return Optional.of(String.format(Locale.ROOT,
        "%s left out to spare the application: %s; %s needs %d MB free (%d%% of the heap for the application's own"
            + " collector, %d MB for this step)",
        step, fullness(), step, neededBytes() >> 20, RESERVE_PERCENT, STEP_BUDGET_BYTES >> 20));
  }

  /**
   * Empty when a packet may start inside the target; otherwise why not, naming what to do instead. Checked before
   * anything else of the packet is loaded or allocated.
   */
  public Optional<String> refusalToStart() {
    long needed = Math.max(MIN_FREE_TO_START_BYTES, maxBytes / 100 * MIN_FREE_TO_START_PERCENT);
    if (freeAfterGcBytes() >= needed) {
      return Optional.empty();
    }
    return Optional.of(String.format(Locale.ROOT,
        "no packet, to spare the application: %s, and a packet needs %d MB free inside it; nothing was collected."
            + " Ask again when the heap has room, or take the JVM's own output, which needs no Java heap: jcmd <pid>"
            + " Thread.print, jcmd <pid> GC.heap_info",
        fullness(), needed >> 20));
  }

  /** True when even the light steps should run one at a time: a heavy step would be refused. */
  public boolean tight() {
    return freeAfterGcBytes() < neededBytes();
  }

  /** How full the heap is, for the report: "its heap is 95% full after the last GC (122 of 128 MB)". */
  public String fullness() {
    return String.format(Locale.ROOT, "its heap is %d%% full after the last GC (%d of %d MB)",
        usedAfterGcBytes * 100 / maxBytes, usedAfterGcBytes >> 20, maxBytes >> 20);
  }

  /** Throws {@link Collector.Skipped} with the reason when {@code step} may not run now. */
  public static void require(String step) throws Collector.Skipped {
    Optional<String> refused = now().refusal(step);
    if (refused.isPresent()) {
      throw new Collector.Skipped(refused.get());
    }
  }
}
