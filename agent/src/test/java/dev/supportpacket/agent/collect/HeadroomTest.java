package dev.supportpacket.agent.collect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class HeadroomTest {
  private static final long MB = 1024 * 1024;

  @Test
  void heavyStepRunsWithTheReserveAndItsBudgetFree() {
    // 128 MB: 15 % is 19.2 MB, plus 16 MB for the packet's own peak.
    assertEquals(Optional.empty(), new Headroom(128 * MB, 92 * MB).refusal("the heap histogram"));
    assertTrue(new Headroom(128 * MB, 100 * MB).refusal("the heap histogram").isPresent(), "28 MB free is too little");
  }

  @Test
  void heavyStepIsRefusedOnANearlyFullHeapWithTheFiguresAndTheReason() {
    String why = new Headroom(128 * MB, 122 * MB).refusal("the heap histogram").orElseThrow();
    assertTrue(why.startsWith("the heap histogram left out to spare the application: its heap is 95% full after the"
        + " last GC (122 of 128 MB)"), why);
    assertTrue(why.contains("needs 35 MB free"), why);
  }

  @Test
  void aLargeHeapKeepsItsReserveInProportion() {
    long max = 8192 * MB;
    assertTrue(new Headroom(max, max * 80 / 100).refusal("step").isEmpty(), "20 % of 8 GB free is plenty");
    assertTrue(new Headroom(max, max * 90 / 100).refusal("step").isPresent(), "10 % is below the collector's reserve");
  }

  @Test
  void refusesNonsenseReadings() {
    assertThrows(IllegalArgumentException.class, () -> new Headroom(0, 0));
    assertThrows(IllegalArgumentException.class, () -> new Headroom(MB, -1));
  }

  @Test
  void readsThisJvm() {
    Headroom now = Headroom.now();
    assertTrue(now.freeAfterGcBytes() > 0 && now.freeAfterGcBytes() <= Runtime.getRuntime().maxMemory());
  }
}
