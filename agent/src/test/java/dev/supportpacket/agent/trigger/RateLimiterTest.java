package dev.supportpacket.agent.trigger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
  private static final long MINUTE = TimeUnit.SECONDS.toNanos(60);
  private final AtomicLong now = new AtomicLong(-5_000); // nanoTime may be negative

  @Test
  void firstEventGoesAheadAndTheRestOfTheIntervalIsRefusedAndCounted() {
    RateLimiter limiter = new RateLimiter(MINUTE, now::get);
    assertTrue(limiter.tryAcquire());
    for (int i = 0; i < 10; i++) {
      now.addAndGet(MINUTE / 20);
      assertFalse(limiter.tryAcquire());
    }
    assertEquals(10, limiter.refused());
  }

  @Test
  void anEventOneIntervalAfterTheLastAcceptedGoesAhead() {
    RateLimiter limiter = new RateLimiter(MINUTE, now::get);
    assertTrue(limiter.tryAcquire());
    now.addAndGet(MINUTE - 1);
    assertFalse(limiter.tryAcquire());
    now.addAndGet(1);
    assertTrue(limiter.tryAcquire());
  }

  @Test
  void refusedEventsDoNotPushTheIntervalBack() {
    RateLimiter limiter = new RateLimiter(MINUTE, now::get);
    assertTrue(limiter.tryAcquire());
    now.addAndGet(MINUTE / 2);
    assertFalse(limiter.tryAcquire());
    now.addAndGet(MINUTE / 2);
    assertTrue(limiter.tryAcquire(), "a storm still gets one packet per interval");
  }

  @Test
  void zeroIntervalAcceptsEverything() {
    RateLimiter limiter = new RateLimiter(0, now::get);
    assertTrue(limiter.tryAcquire());
    assertTrue(limiter.tryAcquire());
    assertEquals(0, limiter.refused());
  }

  @Test
  void concurrentEventsLetExactlyOneThrough() throws Exception {
    RateLimiter limiter = new RateLimiter(MINUTE, System::nanoTime);
    AtomicLong accepted = new AtomicLong();
    Thread[] threads = new Thread[8];
    for (int i = 0; i < threads.length; i++) {
      threads[i] = new Thread(() -> {
        for (int j = 0; j < 1000; j++) {
          if (limiter.tryAcquire()) {
            accepted.incrementAndGet();
          }
        }
      });
      threads[i].start();
    }
    for (Thread t : threads) {
      t.join();
    }
    assertEquals(1, accepted.get());
    assertEquals(7999, limiter.refused());
  }
}
