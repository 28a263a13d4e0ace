package dev.supportpacket.agent.findings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.supportpacket.agent.findings.model.PacketModel;
import dev.supportpacket.agent.findings.rules.Finding;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A packet written before the evidence entries existed: threads.txt and runtime.yaml only. */
class OlderPacketTest {
  private static final String THREADS = "Thread dump 2026-11-30T06:14:36Z, 3 threads\n\n"
      + "DEADLOCK: 2 threads are deadlocked\n  \"dl-A\" waits for <0x1> (a java.lang.Object) held by \"dl-B\"\n\n"
      + "--- all threads ---\n\n"
      + "\"dl-A\" #21 prio=5 cpu=3ms\n   java.lang.Thread.State: BLOCKED\n"
      + "\tat app//com.acme.InventoryCache.refresh(InventoryCache.java:30)\n"
      + "\t- waiting to lock <0x0c709a79> (a java.lang.Object) owned by \"dl-B\" #22\n"
      + "\t- locked <0x69d28d78> (a java.lang.Object)\n"
      + "\tat java.base@17.0.15/java.lang.Thread.run(Thread.java:840)\n\n"
      + "\"dl-B\" #22 daemon prio=5 cpu=2ms\n   java.lang.Thread.State: BLOCKED\n"
      + "\tat app//com.acme.InventoryCache.evict(InventoryCache.java:44)\n"
      + "\t- waiting to lock <0x69d28d78> (a java.lang.Object) owned by \"dl-A\" #21\n"
      + "\t- locked <0x0c709a79> (a java.lang.Object)\n\n"
      + "\"main\" #1 prio=5 cpu=193ms\n   java.lang.Thread.State: TIMED_WAITING\n"
      + "\tat java.base@17.0.15/java.lang.Thread.sleep(Native Method)\n\n";
  private static final String RUNTIME = "uptime_ms: 4463\nmemory:\n  heap:\n    used: 8199248\n    committed: 406847488\n"
      + "    max: 6320816128\n  pools:\n  - name: Metaspace\n    type: Non-heap memory\n    usage:\n      used: 9157456\n"
      + "      max: -1\ngc:\n- name: G1 Young Generation\n  count: 1\n  time_ms: 60\nthreads:\n  total_started: 21\n"
      + "  live: 20\nos:\n  processors: 2\n  total_memory: 25276063744\n  open_file_descriptors: 14\n"
      + "  max_file_descriptors: 20000\ncontainer:\n  memory_limit: 9223372036854771712\n";

  @Test
  void deadlockIsFoundInTheThreadDumpWithItsLine() {
    Analysis a = Fixture.packet().entry("threads/threads.txt", THREADS).entry("jvm/runtime.yaml", RUNTIME).analysis();
    Finding d = a.findings().get(0);
    assertEquals("deadlock", d.id);
    assertTrue(d.title.contains("\"dl-A\"") && d.title.contains("\"dl-B\""), d.title);
    assertEquals("threads/threads.txt", d.evidence.get(0).entry);
    assertEquals(8, d.evidence.get(0).line);
    assertTrue(d.summary.contains("InventoryCache.refresh"), d.summary);
  }

  @Test
  void runtimeYamlIsReadAsOneReadingAndTheGapsAreNamed() {
    PacketModel m = Fixture.packet().entry("threads/threads.txt", THREADS).entry("jvm/runtime.yaml", RUNTIME).model();
    assertEquals(14, m.end.get().fdsOpen());
    assertEquals(6320816128L, m.end.get().heapMax());
    assertEquals(-1, m.end.get().containerMemoryLimit());
    assertFalse(m.hasDelta());
    assertTrue(m.notChecked.stream().anyMatch(n -> n.contains("jvm/events.json")));
    assertTrue(m.notChecked.stream().anyMatch(n -> n.contains("logs/summary.json")));
  }

  @Test
  void anEmptyPacketGivesNoFindingAndSaysWhatWasNotChecked() {
    Analysis a = Fixture.packet().analysis();
    assertEquals(List.of(), a.findings());
    assertTrue(a.model().notChecked.size() >= 4);
  }

  @Test
  void lambdaAddressesAreNormalizedForGrouping() {
    assertEquals("com.acme.Foo$$Lambda.run",
        dev.supportpacket.agent.findings.model.Frames.normalize("com.acme.Foo$$Lambda$485+0x00007f03a4000a08.2060468723.run"));
    assertEquals("com.acme.Foo$$Lambda.run(Unknown Source)",
        dev.supportpacket.agent.findings.model.Frames.normalize("app//com.acme.Foo$$Lambda/0x000001f0.run(Unknown Source)"));
  }
}
