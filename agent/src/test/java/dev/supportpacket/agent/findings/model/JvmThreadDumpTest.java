package dev.supportpacket.agent.findings.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The JVM's own Thread.print, as in the packet the attach CLI writes from outside a JVM too full for the agent. */
class JvmThreadDumpTest {
  /** JDK 17 writes no native thread id after the number; JDK 21 and 25 write it in brackets. */
  private static final String DUMP = String.join("\n",
      "2026-11-30 09:30:00",
      "Full thread dump OpenJDK 64-Bit Server VM (17.0.9+9 mixed mode, sharing):",
      "",
      "\"main\" #1 prio=5 os_prio=0 cpu=120.50ms elapsed=20.01s tid=0x00007f0 nid=0x1a waiting on condition  [0x7f]",
      "   java.lang.Thread.State: TIMED_WAITING (sleeping)",
      "\tat java.lang.Thread.sleep(java.base@17.0.9/Native Method)",
      "\tat dev.example.App.main(App.java:12)",
      "",
      "\"it-worker\" #16 [4242] daemon prio=5 os_prio=0 cpu=3.00ms elapsed=19.00s tid=0x1 nid=0x2 waiting for monitor"
          + " entry  [0x7f]",
      "   java.lang.Thread.State: BLOCKED (on object monitor)",
      "\tat dev.example.Store.put(Store.java:40)",
      "\t- waiting to lock <0x00000000ffe01234> (a java.lang.Object)",
      "",
      "\"VM Thread\" os_prio=0 cpu=5.00ms elapsed=20.00s tid=0x3 nid=0x4 runnable",
      "");

  @Test
  void theJvmsOwnThreadDumpIsRead() {
    Snapshot s = ModelReader.threadsTxt(DUMP);
    assertEquals(2, s.threads.size(), s.threads.toString());
    ThreadSample main = s.threads.get(0);
    assertEquals("main", main.name);
    assertEquals(1, main.id);
    assertFalse(main.daemon);
    assertEquals(120_000_000L, main.cpuNs);
    assertEquals("TIMED_WAITING", main.state);
    assertEquals("BLOCKED", s.threads.get(1).state);
    assertEquals(2, main.stack.size(), main.stack.toString());
    ThreadSample worker = s.threads.get(1);
    assertEquals("it-worker", worker.name);
    assertEquals(16, worker.id);
    assertTrue(worker.daemon);
    assertEquals("java.lang.Object@0x00000000ffe01234", worker.lock);
    assertFalse(worker.agent || worker.inNative);
  }
}
