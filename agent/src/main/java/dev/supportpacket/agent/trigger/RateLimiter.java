package dev.supportpacket.agent.trigger;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * At most one accepted event per interval, lock-free so that a signal handler can ask it; events inside the interval
 * are refused and counted. The interval runs from the last accepted event, not from the last refused one: a storm
 * that never stops still gets one packet per interval, no more.
 */
public final class RateLimiter implements LongSupplier {
  /**
   * {@code System::nanoTime} without a lambda: the first lambda in a JVM costs its bootstrap, and the startup agent
   * must stay cheap (bench/startup-cost.sh).
   */
  public static final LongSupplier SYSTEM_CLOCK = new LongSupplier() {
    @Override
    public long getAsLong() {
      return System.nanoTime();
    }
  };
  /** The refusal count of a limiter that does not exist. */
  public static final LongSupplier NONE_REFUSED = new LongSupplier() {
    @Override
    public long getAsLong() {
      return 0;
    }
  };
  private static final long NEVER = Long.MIN_VALUE;

  private final long intervalNanos;
  private final LongSupplier nanoClock;
  private final AtomicLong lastAccepted = new AtomicLong(NEVER);
  private final AtomicLong refused = new AtomicLong();

  /**
   * @param intervalNanos 0 accepts everything
   * @param nanoClock a monotonic clock, {@code System::nanoTime} outside tests
   */
  public RateLimiter(long intervalNanos, LongSupplier nanoClock) {
    this.intervalNanos = intervalNanos;
    this.nanoClock = nanoClock;
  }

  /** True when this event may go ahead; false (and counted) when it came too soon after the last accepted one. */
  public boolean tryAcquire() {
    long now = nanoClock.getAsLong();
    while (true) {
      long last = lastAccepted.get();
      // Compare by difference: nanoTime may be negative and wraps.
      if (last != NEVER && now - last < intervalNanos) {
        refused.incrementAndGet();
        return false;
      }
      if (lastAccepted.compareAndSet(last, now)) {
        return true;
      }
    }
  }

  /** How many events were refused so far. */
  public long refused() {
    return refused.get();
  }

  /** Same as {@link #refused()}, for whoever only needs the count. */
  @Override
  public long getAsLong() {
    return refused();
  }
}
