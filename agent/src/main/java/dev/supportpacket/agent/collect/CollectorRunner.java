package dev.supportpacket.agent.collect;

import dev.supportpacket.agent.packet.Packet;
import dev.supportpacket.agent.report.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs the collectors in parallel, each on its own daemon thread, and is the one place that catches their failures,
 * enforces their deadlines and records their outcomes. A collector that overruns is interrupted and reported as
 * failed; the packet is finished without it.
 */
public final class CollectorRunner {
  /** Every thread the agent starts carries this prefix, so that it can be recognised in any thread dump. */
  public static final String THREAD_PREFIX = "support-packet-";

  /**
   * Runs the collectors and returns one outcome each, in the order given. Never throws. Those that
   * {@linkplain Collector#runsAfterOthers run after the others} start when every other one has finished.
   */
  public List<Outcome> run(List<Collector> collectors, CollectContext ctx, Packet packet) {
    Map<Collector, Outcome> outcomes = new HashMap<>();
    for (boolean lastWave : new boolean[] {false, true}) {
      Map<Collector, FutureTask<Void>> running = new LinkedHashMap<>();
      Map<Collector, Long> started = new HashMap<>();
      for (Collector c : collectors) {
        if (c.runsAfterOthers() != lastWave) {
          continue;
        }
        Optional<String> off = offReason(c, ctx);
        if (off.isPresent()) {
          outcomes.put(c, Outcome.off(c.id(), off.get()));
          continue;
        }
        FutureTask<Void> task =
            new FutureTask<>(
                () -> {
                  c.collect(ctx, packet.ownedBy(c.id()));
                  return null;
                });
        Thread t = new Thread(task, THREAD_PREFIX + c.id());
        t.setDaemon(true);
        started.put(c, System.nanoTime());
        running.put(c, task);
        t.start();
      }
      for (Map.Entry<Collector, FutureTask<Void>> e : running.entrySet()) {
        outcomes.put(e.getKey(), await(e.getKey(), e.getValue(), started.get(e.getKey()), ctx));
      }
    }
    List<Outcome> ordered = new ArrayList<>();
    for (Collector c : collectors) {
      ordered.add(outcomes.get(c));
    }
    return ordered;
  }

  private static Optional<String> offReason(Collector c, CollectContext ctx) {
    try {
      return c.offReason(ctx.options());
    } catch (RuntimeException e) {
      return Optional.of("could not decide whether to run: " + e);
    }
  }

  private static Outcome await(Collector c, FutureTask<Void> task, long startNanos, CollectContext ctx) {
    Duration timeout = c.timeout(ctx.options());
    long deadline = startNanos + timeout.toNanos();
    try {
      task.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      return Outcome.ok(c.id(), millisSince(startNanos));
    } catch (TimeoutException e) {
      task.cancel(true);
      return Outcome.failed(c.id(), millisSince(startNanos), "timed out after " + timeout.toSeconds() + " s");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof Collector.Skipped || cause instanceof Packet.OverBudget) {
        return Outcome.skipped(c.id(), millisSince(startNanos), cause.getMessage());
      }
      return Outcome.failed(c.id(), millisSince(startNanos), describe(cause));
    } catch (InterruptedException e) {
      task.cancel(true);
      Thread.currentThread().interrupt();
      return Outcome.failed(c.id(), millisSince(startNanos), "interrupted");
    } catch (CancellationException e) {
      return Outcome.failed(c.id(), millisSince(startNanos), "cancelled");
    }
  }

  /** The failure as one line: its type and message, and the message of its root cause. */
  static String describe(Throwable t) {
    StringBuilder sb = new StringBuilder(t.getClass().getSimpleName());
    if (t.getMessage() != null) {
      sb.append(": ").append(t.getMessage());
    }
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (root != t) {
      sb.append(" (caused by ").append(root.getClass().getSimpleName());
      if (root.getMessage() != null) {
        sb.append(": ").append(root.getMessage());
      }
      sb.append(')');
    }
    return sb.toString().replace('\n', ' ');
  }

  private static long millisSince(long startNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
  }
}
