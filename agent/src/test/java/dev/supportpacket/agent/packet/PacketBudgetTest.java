package dev.supportpacket.agent.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.supportpacket.agent.sanitize.Sanitizer;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class PacketBudgetTest {
  private final MemorySink sink = new MemorySink();
  private final Packet packet = new Packet(Sanitizer.withRandomKey(), sink, Packet.CLOSING_RESERVE + 1000);

  @Test
  void anEntryThatWouldExceedTheBudgetIsRefusedWithItsSizeAndTheBudget() throws IOException {
    Packet collector = packet.ownedBy("c");
    collector.addText("small.txt", w -> w.write("x".repeat(600)));
    Packet.OverBudget e = assertThrows(Packet.OverBudget.class,
        () -> collector.addText("big.txt", w -> w.write("y".repeat(600))));
    assertTrue(e.getMessage().contains("big.txt") && e.getMessage().contains("--max-size"), e::getMessage);
    assertFalse(sink.entries().containsKey("big.txt"));
    assertEquals(600, packet.committedBytes());
  }

  @Test
  void theServicesClosingEntriesAlwaysFit() throws IOException {
    packet.ownedBy("c").addText("small.txt", w -> w.write("x".repeat(900)));
    packet.addText("report.txt", w -> w.write("r".repeat(2000)));
    assertTrue(sink.entries().containsKey("report.txt"));
  }

  @Test
  void theUnsanitizedPathMarksItsEntry() throws IOException {
    packet.ownedBy("heap-dump").addUnsanitizedBinary("heap/raw.bin", out -> out.write(new byte[] {1, 2, 3}));
    assertTrue(packet.entries().get(0).unsanitized);
    packet.ownedBy("c").addText("a.txt", w -> w.write("a"));
    assertFalse(packet.entries().get(1).unsanitized);
  }
}
