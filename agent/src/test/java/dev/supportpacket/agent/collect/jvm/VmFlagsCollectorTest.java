package dev.supportpacket.agent.collect.jvm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class VmFlagsCollectorTest {
  @Test
  void parsesBooleansNumbersAndStrings() {
    Map<String, Object> flags =
        VmFlagsCollector.parse("-XX:CICompilerCount=2 -XX:+UseG1GC -XX:-UseCompressedOops -XX:ErrorFile=/x");
    assertEquals(2L, flags.get("CICompilerCount"));
    assertEquals(true, flags.get("UseG1GC"));
    assertEquals(false, flags.get("UseCompressedOops"));
    assertEquals("/x", flags.get("ErrorFile"));
  }
}
