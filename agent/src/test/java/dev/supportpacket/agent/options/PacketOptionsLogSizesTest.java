package dev.supportpacket.agent.options;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PacketOptionsLogSizesTest {

  @Test
  void logTailAndBudgetDefaultTo10And50Megabytes() {
    PacketOptions o = PacketOptions.parse("");
    assertEquals(10L * 1024 * 1024, o.logTailBytes());
    assertEquals(50L * 1024 * 1024, o.logBudgetBytes());
  }

  @Test
  void logTailAndBudgetSurviveTheTripThroughTheAgentArgument() {
    PacketOptions o = PacketOptions.builder().logTailMb(3).logBudgetMb(7).build();
    PacketOptions back = PacketOptions.parse(o.toAgentArgs());
    assertEquals(3L * 1024 * 1024, back.logTailBytes());
    assertEquals(7L * 1024 * 1024, back.logBudgetBytes());
  }

  @Test
  void logSizesOutOfRangeAreRejectedByName() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PacketOptions.parse("logTail=0"));
    assertTrue(e.getMessage().startsWith("logTail must be 1 to"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> PacketOptions.parse("logBudget=lots"));
    assertTrue(e.getMessage().startsWith("logBudget must be a whole number"), e.getMessage());
  }
}
