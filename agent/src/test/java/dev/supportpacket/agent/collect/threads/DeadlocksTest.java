package dev.supportpacket.agent.collect.threads;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Lock cycles only, taken with lockInterruptibly so that they can be broken afterwards: this JVM runs other tests
 * whose thread dumps must show no deadlock. Monitor cycles are covered for real by AttachPacketIT's DeadlockApp.
 */
class DeadlocksTest {
  private final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
  private final List<Thread> started = new ArrayList<>();

  @AfterEach
  void breakTheCycles() throws InterruptedException {
    for (Thread t : started) {
      t.interrupt();
    }
    for (Thread t : started) {
      t.join(10_000);
    }
  }

  @Test
  void findsTheSameThreadsAsTheJvmInEveryCycleButNotTheirBystanders() throws Exception {
    Lock heldInFirstCycle = new ReentrantLock();
    Thread[] first = cycle("a", heldInFirstCycle);
    Thread[] second = cycle("b", new ReentrantLock());
    Lock held = new ReentrantLock();
    CountDownLatch holding = new CountDownLatch(1);
    start("holder", () -> {
      held.lock();
      holding.countDown();
      lockInterruptibly(new ReentrantLock(), new CountDownLatch(0), heldInFirstCycle); // waits on a deadlocked thread
    });
    holding.await();
    Thread bystander = start("bystander", () -> lockInterruptibly(held, new CountDownLatch(0), null));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    long[] jvm;
    do {
      Thread.sleep(20);
      jvm = mx.findDeadlockedThreads();
    } while ((jvm == null || jvm.length < 4 || bystander.getState() != Thread.State.WAITING)
        && System.nanoTime() < deadline);

    long[] ours = Deadlocks.in(mx.dumpAllThreads(true, false));

    long[] expected = {first[0].getId(), first[1].getId(), second[0].getId(), second[1].getId()};
    Arrays.sort(expected);
    Arrays.sort(ours);
    Arrays.sort(jvm);
    assertArrayEquals(expected, jvm, "the JVM's own answer, for reference");
    assertArrayEquals(expected, ours, "both cycles, and none of the threads that only wait for one");
  }

  @Test
  void aChainWithoutCycleIsNoDeadlock() throws Exception {
    Lock held = new ReentrantLock();
    CountDownLatch holding = new CountDownLatch(1);
    start("holder", () -> lockInterruptibly(held, holding, new ReentrantLock()));
    holding.await();
    Thread waiter = start("waiter", () -> lockInterruptibly(held, new CountDownLatch(0), null));
    while (waiter.getState() != Thread.State.WAITING) {
      Thread.sleep(5);
    }
    assertEquals(0, Deadlocks.in(mx.dumpAllThreads(true, false)).length);
  }

  /** Two threads, each holding one lock and waiting for the other's; the first holds {@code x}. */
  private Thread[] cycle(String name, Lock x) {
    Lock y = new ReentrantLock();
    CountDownLatch bothHeld = new CountDownLatch(2);
    Thread one = start(name + "-1", () -> lockInterruptibly(x, bothHeld, y));
    Thread two = start(name + "-2", () -> lockInterruptibly(y, bothHeld, x));
    return new Thread[] {one, two};
  }

  /** Takes {@code first}, counts down, waits for the others to count down too, then waits for {@code then}. */
  private static void lockInterruptibly(Lock first, CountDownLatch ready, Lock then) {
    try {
      first.lockInterruptibly();
      ready.countDown();
      ready.await();
      if (then != null) {
        then.lockInterruptibly();
      } else {
        Thread.sleep(Long.MAX_VALUE);
      }
    } catch (InterruptedException e) {
      // the test is over: the cycle is broken
    }
  }

  private Thread start(String name, Runnable body) {
    Thread t = new Thread(body, "deadlocks-test-" + name);
    t.setDaemon(true);
    t.start();
    started.add(t);
    return t;
  }
}
