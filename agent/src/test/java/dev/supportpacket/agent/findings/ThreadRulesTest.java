package dev.supportpacket.agent.findings;

import static dev.supportpacket.agent.findings.Fixture.packet;
import static dev.supportpacket.agent.findings.Fixture.thread;
import static dev.supportpacket.agent.findings.Fixture.waiting;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.supportpacket.agent.findings.rules.Finding;
import dev.supportpacket.agent.findings.rules.Severity;
import java.util.List;
import org.junit.jupiter.api.Test;

class ThreadRulesTest {
  private static final String READ = "sun.nio.ch.Net.poll(Native Method)";
  private static final String[] SOCKET_READ = {READ, "sun.nio.ch.NioSocketImpl.park(NioSocketImpl.java:186)",
      "sun.nio.ch.NioSocketImpl.timedRead(NioSocketImpl.java:290)", "sun.nio.ch.NioSocketImpl.implRead(NioSocketImpl.java:314)",
      "sun.nio.ch.NioSocketImpl.read(NioSocketImpl.java:355)", "java.net.Socket$SocketInputStream.read(Socket.java:966)",
      "com.acme.orders.QuoteClient.fetch(QuoteClient.java:41)", "com.acme.orders.OrderService.price(OrderService.java:77)",
      "java.util.concurrent.ThreadPoolExecutor.runWorker(ThreadPoolExecutor.java:1136)",
      "java.util.concurrent.ThreadPoolExecutor$Worker.run(ThreadPoolExecutor.java:635)", "java.lang.Thread.run(Thread.java:840)"};
  private static final String[] IDLE_WORKER = {"jdk.internal.misc.Unsafe.park(Native Method)",
      "java.util.concurrent.locks.LockSupport.park(LockSupport.java:341)",
      "java.util.concurrent.LinkedBlockingQueue.take(LinkedBlockingQueue.java:435)",
      "java.util.concurrent.ThreadPoolExecutor.getTask(ThreadPoolExecutor.java:1062)",
      "java.util.concurrent.ThreadPoolExecutor.runWorker(ThreadPoolExecutor.java:1122)",
      "java.util.concurrent.ThreadPoolExecutor$Worker.run(ThreadPoolExecutor.java:635)", "java.lang.Thread.run(Thread.java:840)"};
  private static final String[] ACCEPT = {"sun.nio.ch.Net.accept(Native Method)",
      "sun.nio.ch.NioSocketImpl.accept(NioSocketImpl.java:760)", "java.net.ServerSocket.accept(ServerSocket.java:675)",
      "com.acme.Server.loop(Server.java:20)"};

  private static List<Finding> of(Fixture f, String id) {
    return f.findings(id);
  }


  @Test
  void deadlockNamesBothThreadsAndTheLock() {
    Fixture f = packet().snapshot(0,
        waiting(thread(21, "inventory-sync", "BLOCKED", 5, "com.acme.InventoryCache.refresh(InventoryCache.java:30)"),
            "java.lang.Object@1a2b", 22),
        waiting(thread(22, "inventory-evict", "BLOCKED", 5, "com.acme.InventoryCache.evict(InventoryCache.java:44)"),
            "java.lang.Object@3c4d", 21)).deadlock(21, 22);
    List<Finding> d = of(f, "deadlock");
    assertEquals(1, d.size());
    assertEquals(Severity.CRITICAL, d.get(0).severity);
    assertTrue(d.get(0).title.contains("\"inventory-sync\"") && d.get(0).title.contains("java.lang.Object"), d.get(0).title);
    assertTrue(d.get(0).summary.contains("InventoryCache.refresh"), d.get(0).summary);
  }

  @Test
  void deadlockIsFoundFromOwnersWhenTheEntryListsNone() {
    Fixture f = packet().snapshot(0,
        waiting(thread(1, "a", "BLOCKED", 1, "x.A.run(A.java:1)"), "java.lang.Object@1", 2),
        waiting(thread(2, "b", "WAITING", 1, "x.B.run(B.java:1)"), "java.util.concurrent.locks.ReentrantLock$NonfairSync@2", 1));
    assertEquals(1, of(f, "deadlock").size());
  }

  @Test
  void aChainOfWaitersIsNoDeadlock() {
    Fixture f = packet().snapshot(0,
        waiting(thread(1, "a", "BLOCKED", 1, "x.A.run(A.java:1)"), "java.lang.Object@1", 2),
        thread(2, "b", "RUNNABLE", 1, "x.B.run(B.java:1)"));
    assertEquals(0, of(f, "deadlock").size());
  }

  @Test
  void threadPinnedToOneMethodInEverySnapshotIsAHotSpot() {
    String[] loop = {"com.acme.report.ReportRenderer.layout(ReportRenderer.java:88)", "com.acme.report.ReportRenderer.render(ReportRenderer.java:40)"};
    Fixture f = packet()
        .snapshot(0, thread(7, "report-renderer", "RUNNABLE", 1000, loop))
        .snapshot(1000, thread(7, "report-renderer", "RUNNABLE", 1950, loop))
        .snapshot(2000, thread(7, "report-renderer", "RUNNABLE", 2930, loop));
    List<Finding> hot = of(f, "cpu-hot-spot");
    assertEquals(1, hot.size());
    assertTrue(hot.get(0).alarming());
    assertTrue(hot.get(0).title.contains("report-renderer") && hot.get(0).title.contains("ReportRenderer.layout"),
        hot.get(0).title);
    assertTrue(hot.get(0).summary.contains("97 %"), hot.get(0).summary);
  }

  @Test
  void loopStarvedOfCpuByABusyMachineIsAHotSpotWhenItOwnsTheProfile() {
    String[] loop = {"com.acme.report.ReportRenderer.layout(ReportRenderer.java:88)", "com.acme.report.ReportRenderer.render(ReportRenderer.java:40)"};
    // A fifth of a core, measured on a loaded 2-core machine, in the same method each time.
    Fixture f = fifthOfACore("report-renderer", loop)
        .entry("profile/cpu-folded.txt", "java.lang.Thread.run;com.acme.report.ReportRenderer.render;"
            + "com.acme.report.ReportRenderer.layout 850\njava.lang.Thread.run;com.acme.Other.work 7\n");
    List<Finding> hot = of(f, "cpu-hot-spot");
    assertEquals(1, hot.size());
    assertTrue(hot.get(0).alarming());
    assertTrue(hot.get(0).summary.contains("20 %") && hot.get(0).summary.contains("busy"), hot.get(0).summary);
  }

  @Test
  void slowThreadInOneMethodIsNoHotSpotWhileTheProfileIsSpread() {
    String[] work = {"com.acme.Shop.price(Shop.java:9)", "com.acme.Shop.serve(Shop.java:3)"};
    // As the busy control measured: its busiest method held 46 % of the samples.
    Fixture f = fifthOfACore("shop-1", work)
        .entry("profile/cpu-folded.txt", "java.lang.Thread.run;com.acme.Shop.serve;com.acme.Shop.price 460\n"
            + "java.lang.Thread.run;com.acme.Shop.serve;com.acme.Shop.parse 400\n"
            + "java.lang.Thread.run;com.acme.Shop.serve;com.acme.Shop.render 140\n");
    assertEquals(0, of(f, "cpu-hot-spot").size());
  }

  /** One RUNNABLE thread in three snapshots a second apart, in {@code stack} each time, using 200 ms a second. */
  private static Fixture fifthOfACore(String name, String... stack) {
    Fixture f = packet();
    for (int i = 0; i < 3; i++) {
      f.snapshot(i * 1000L, thread(7, name, "RUNNABLE", 1000 + i * 200L, stack));
    }
    return f;
  }

  @Test
  void starvedLoopWithoutEnoughSamplesIsAHotSpotWhenItOwnsTheApplicationsCpu() {
    // As measured under load 30 on 2 cores: 2 % of a core, 16 profile samples.
    Fixture f = fifthOfACore("report-renderer", "com.acme.report.ReportRenderer.layout(ReportRenderer.java:88)")
        .entry("profile/cpu-folded.txt", "java.lang.Thread.run;com.acme.report.ReportRenderer.layout 12\n"
            + "java.lang.Thread.run;com.acme.Other.work 4\n");
    assertEquals(1, of(f, "cpu-hot-spot").size());
  }

  @Test
  void busyWorkersMovingBetweenMethodsAreNoHotSpot() {
    Fixture f = packet()
        .snapshot(0, thread(7, "http-1", "RUNNABLE", 1000, "com.acme.Web.parse(Web.java:1)"),
            thread(8, "http-2", "RUNNABLE", 1000, "com.acme.Web.render(Web.java:1)"))
        .snapshot(1000, thread(7, "http-1", "RUNNABLE", 1900, "com.acme.Web.render(Web.java:1)"),
            thread(8, "http-2", "WAITING", 1400, IDLE_WORKER))
        .snapshot(2000, thread(7, "http-1", "RUNNABLE", 2800, "com.acme.Db.query(Db.java:1)"),
            thread(8, "http-2", "RUNNABLE", 1900, "com.acme.Web.parse(Web.java:1)"));
    assertEquals(0, of(f, "cpu-hot-spot").size());
  }

  @Test
  void threeThreadsBlockedOnOneMonitorTwiceIsContentionNamingTheOwner() {
    ObjectNode[] s = new ObjectNode[5];
    Fixture f = packet();
    for (int snap = 0; snap < 3; snap++) {
      s[0] = thread(30, "ledger-writer", "RUNNABLE", 10, "com.acme.Ledger.append(Ledger.java:12)");
      for (int i = 1; i < 5; i++) {
        s[i] = waiting(thread(30 + i, "ledger-client-" + i, "BLOCKED", 1, "com.acme.Ledger.post(Ledger.java:20)"),
            "com.acme.Ledger@77", 30);
      }
      f.snapshot(snap * 1000L, s);
    }
    List<Finding> c = of(f, "lock-contention");
    assertEquals(1, c.size());
    assertTrue(c.get(0).alarming());
    assertTrue(c.get(0).title.contains("com.acme.Ledger@77") && c.get(0).title.contains("\"ledger-writer\""),
        c.get(0).title);
  }

  @Test
  void twoBlockedThreadsAreNoContention() {
    Fixture f = packet();
    for (int snap = 0; snap < 3; snap++) {
      f.snapshot(snap * 1000L, thread(30, "w", "RUNNABLE", 10, "x.L.a(L.java:1)"),
          waiting(thread(31, "c1", "BLOCKED", 1, "x.L.b(L.java:2)"), "x.L@1", 30),
          waiting(thread(32, "c2", "BLOCKED", 1, "x.L.b(L.java:2)"), "x.L@1", 30));
    }
    assertEquals(0, of(f, "lock-contention").size());
  }

  @Test
  void thePacketsOwnJfrLockIsNoContention() {
    String events = "{\"version\":1,\"window_ms\":5000,\"monitor_enter\":["
        + "{\"class\":\"jdk.jfr.internal.PlatformRecorder\",\"thread\":\"JFR Periodic Tasks\",\"owner\":"
        + "\"support-packet-cpu-profile\",\"count\":1,\"total_ms\":4600,\"threads\":[\"JFR Periodic Tasks\"]},"
        + "{\"class\":\"jdk.jfr.internal.PlatformRecorder\",\"thread\":\"support-packet-cpu-profile\",\"owner\":"
        + "\"support-packet-jfr-events\",\"count\":1,\"total_ms\":2300,\"threads\":[\"support-packet-cpu-profile\"]}]}";
    assertEquals(0, of(packet().entry("jvm/events.json", events), "lock-contention").size());
  }

  @Test
  void monitorEnterTimeOfManyThreadsOnOneClassIsContention() {
    String events = "{\"version\":1,\"window_ms\":5000,\"monitor_enter\":["
        + "{\"class\":\"com.acme.Ledger\",\"thread\":\"poster-1\",\"owner\":\"poster-2\",\"count\":40,"
        + "\"total_ms\":9000,\"threads\":[\"poster-1\",\"poster-3\",\"poster-4\"]}]}";
    List<Finding> c = of(packet().entry("jvm/events.json", events), "lock-contention");
    assertEquals(1, c.size());
    assertTrue(c.get(0).alarming());
  }

  @Test
  void workersAllReadingOneSocketAreBlockedIoExplainingStarvation() {
    Fixture f = packet();
    for (int snap = 0; snap < 3; snap++) {
      f.snapshot(snap * 1000L, thread(40, "order-worker-1", "RUNNABLE", 1, SOCKET_READ),
          thread(41, "order-worker-2", "RUNNABLE", 1, SOCKET_READ),
          thread(42, "order-worker-3", "RUNNABLE", 1, SOCKET_READ));
    }
    List<Finding> all = f.analysis().findings();
    assertEquals("blocked-io", all.get(0).id, "root cause first");
    assertTrue(all.get(0).explains.contains("pool-starvation"));
    assertTrue(all.get(0).title.contains("QuoteClient.fetch"), all.get(0).title);
    List<Finding> starved = of(f, "pool-starvation");
    assertEquals(1, starved.size());
    assertTrue(starved.get(0).title.contains("order-worker-#") && starved.get(0).title.contains("3/3"),
        starved.get(0).title);
    assertTrue(all.get(0).score > starved.get(0).score);
  }

  @Test
  void idleWorkersAndAcceptLoopsAreNeitherStarvedNorBlocked() {
    Fixture f = packet();
    for (int snap = 0; snap < 3; snap++) {
      f.snapshot(snap * 1000L, thread(40, "order-worker-1", "WAITING", 1, IDLE_WORKER),
          thread(41, "order-worker-2", "WAITING", 1, IDLE_WORKER),
          thread(50, "acceptor", "RUNNABLE", 1, ACCEPT));
    }
    assertEquals(List.of(), f.analysis().alarming());
  }

  @Test
  void executorsCreatedOverAndOverAreAThreadLeak() {
    ObjectNode[] ts = new ObjectNode[60];
    for (int i = 0; i < ts.length; i++) {
      ts[i] = thread(100 + i, "pool-" + (i + 3) + "-thread-1", "WAITING", 0, IDLE_WORKER);
    }
    List<Finding> leak = of(packet().snapshot(0, ts), "thread-leak");
    assertEquals(1, leak.size());
    assertTrue(leak.get(0).alarming());
    assertTrue(leak.get(0).title.contains("pool-#-thread-#"), leak.get(0).title);
  }

  @Test
  void oneBigIdlePoolIsNoThreadLeak() {
    ObjectNode[] ts = new ObjectNode[200];
    for (int i = 0; i < ts.length; i++) {
      ts[i] = thread(100 + i, "http-nio-8080-exec-" + (i + 1), "WAITING", 0, IDLE_WORKER);
    }
    assertEquals(0, of(packet().snapshot(0, ts), "thread-leak").size());
  }
}
