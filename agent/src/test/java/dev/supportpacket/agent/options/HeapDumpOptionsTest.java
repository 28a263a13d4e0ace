package dev.supportpacket.agent.options;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HeapDumpOptionsTest {
  @Test
  void heapDumpIsOffUnlessAskedFor() {
    PacketOptions o = PacketOptions.parse("duration=1");
    assertEquals(PacketOptions.HeapDump.OFF, o.heapDump());
    assertFalse(o.heapDumpRaw());
    assertEquals(0, o.maxSizeMb());
    assertFalse(o.toAgentArgs().contains("heapDump"), "defaults stay out of the argument string");
  }

  @Test
  void heapDumpRawAndMaxSizeSurviveTheTrip() {
    PacketOptions o = PacketOptions.builder().heapDump(PacketOptions.HeapDump.ALL).heapDumpRaw(true).maxSizeMb(50)
        .build();
    PacketOptions back = PacketOptions.parse(o.toAgentArgs());
    assertEquals(PacketOptions.HeapDump.ALL, back.heapDump());
    assertTrue(back.heapDumpRaw());
    assertEquals(50, back.maxSizeMb());
    assertEquals(PacketOptions.HeapDump.LIVE, PacketOptions.parse("heapDump=live").heapDump());
  }

  @Test
  void jmxOptionsAddAHeapDumpOnTopOfTheAgentsDefaults() {
    PacketOptions agent = PacketOptions.parse("output=/var/tmp,duration=9");
    PacketOptions call = PacketOptions.forTrigger("heapDump=live,maxSize=100", agent, "jmx");
    assertEquals(PacketOptions.HeapDump.LIVE, call.heapDump());
    assertEquals(9, call.profileDuration().getSeconds());
  }

  @Test
  void badValuesAreRejectedByName() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> PacketOptions.parse("heapDump=yes")).getMessage()
        .contains("heapDump"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> PacketOptions.parse("heapDumpRaw=1")).getMessage()
        .contains("heapDumpRaw"));
    assertThrows(IllegalArgumentException.class, () -> PacketOptions.parse("maxSize=0"));
    assertThrows(IllegalArgumentException.class, () -> PacketOptions.parse("maxSize=big"));
  }
}
