package dev.supportpacket.agent.collect;

import dev.supportpacket.agent.boot.Daemon;
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
 * failed; the packet is finished without it. On a nearly full heap ({@link Headroom#tight}) they run one at a time.
 */
public final class CollectorRunner {
  /**
   * Runs the collectors and returns one outcome each, in the order given. Never throws. Those that
   * {@linkplain Collector#runsAfterOthers run after the others} start when every other one has finished.
   */
  public List<Outcome> run(List<Collector> collectors, CollectContext ctx, Packet packet) {
    return run(collectors, ctx, packet, () -> {});
  }

  /**
   * The same, with {@code meanwhile} run on the calling thread once the first wave has started: work the collectors
   * need to finish but not to start (the packet's writes wait for the secrets to be learned; the profile need not).
   * If {@code meanwhile} throws, the collectors are cancelled and it is rethrown.
   */
  public List<Outcome> run(List<Collector> collectors, CollectContext ctx, Packet packet, Runnable meanwhile) {
    Map<Collector, Outcome> outcomes = new HashMap<>();
    // Side by side, the collectors' allocations add up; on a nearly full heap only one of them allocates at a time.
    Headroom headroom = Headroom.now();
    boolean oneAtATime = headroom.tight();
    if (oneAtATime) {
      packet.note("collectors ran one after another instead of side by side, to spare the application: "
          + headroom.fullness());
      meanwhile.run();
    }
    for (boolean lastWave : new boolean[] {false, true}) {
      Map<Collector, Run> running = new LinkedHashMap<>();
      for (Collector c : collectors) {
        if (c.runsAfterOthers() != lastWave) {
          continue;
        }
        Optional<String> off = offReason(c, ctx);
        if (off.isPresent()) {
          outcomes.put(c, Outcome.off(c.id(), off.get()));
        } else if (oneAtATime) {
          outcomes.put(c, new Run(c, ctx, packet.ownedBy(c.id())).await());
        } else {
          running.put(c, new Run(c, ctx, packet.ownedBy(c.id())));
        }
      }
      if (!lastWave && !oneAtATime) {
        try {
          meanwhile.run();
        } catch (RuntimeException | Error e) {
          // Nothing may be written without it: stop the collectors (their writes are still held) and fail.
          running.values().forEach(Run::cancel);
          throw e;
        }
      }
      for (Map.Entry<Collector, Run> e : running.entrySet()) {
        outcomes.put(e.getKey(), e.getValue().await());
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

  /** One collector on its own thread; its time is taken when it ends, not when the runner gets round to it. */
  private static final class Run {
    private final Collector collector;
    private final Duration timeout;
    private final FutureTask<Void> task;
    private final long startNanos = System.nanoTime();
    private volatile long endNanos;

    Run(Collector collector, CollectContext ctx, Packet packet) {
      this.collector = collector;
      this.timeout = collector.timeout(ctx.options());
      this.task = new FutureTask<>(() -> {
        try {
          collector.collect(ctx, packet);
          return null;
        } finally {
          endNanos = System.nanoTime();
        }
      });
      Daemon.start(collector.id(), task);
    }

    Outcome await() {
      String id = collector.id();
      try {
        task.get(Math.max(0, startNanos + timeout.toNanos() - System.nanoTime()), TimeUnit.NANOSECONDS);
        return Outcome.ok(id, millis());
      } catch (TimeoutException e) {
        task.cancel(true);
        return Outcome.failed(id, millis(), "timed out after " + timeout.toSeconds() + " s");
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        return cause instanceof Collector.Skipped || cause instanceof Packet.OverBudget
            ? Outcome.skipped(id, millis(), cause.getMessage())
            : Outcome.failed(id, millis(), describe(cause));
      } catch (InterruptedException e) {
        task.cancel(true);
        Thread.currentThread().interrupt();
        return Outcome.failed(id, millis(), "interrupted");
      } catch (CancellationException e) {
        return Outcome.failed(id, millis(), "cancelled");
      }
    }

    void cancel() {
      task.cancel(true);
    }

    private long millis() {
      long end = endNanos != 0 ? endNanos : System.nanoTime();
      return TimeUnit.NANOSECONDS.toMillis(end - startNanos);
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
}
