package dev.supportpacket.agent.collect.heap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.supportpacket.agent.collect.CollectContext;
import dev.supportpacket.agent.collect.CollectorRunner;
import dev.supportpacket.agent.collect.Progress;
import dev.supportpacket.agent.options.PacketOptions;
import dev.supportpacket.agent.packet.MemorySink;
import dev.supportpacket.agent.packet.Packet;
import dev.supportpacket.agent.report.Outcome;
import dev.supportpacket.agent.sanitize.Sanitizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HeapDumpCollectorTest {
  @Test
  void offUnlessRequestedAndTheRawOptionImpliesALiveDump() {
    HeapDumpCollector c = new HeapDumpCollector();
    assertTrue(c.offReason(PacketOptions.parse("")).isPresent());
    assertTrue(c.offReason(PacketOptions.parse("heapDump=all")).isEmpty());
    assertEquals(PacketOptions.HeapDump.LIVE, HeapDumpCollector.mode(PacketOptions.parse("heapDumpRaw=true")));
    assertEquals(0, HeapDumpCollector.diskNeeded(PacketOptions.parse("")));
    assertTrue(HeapDumpCollector.diskNeeded(PacketOptions.parse("heapDump=live")) > 0);
  }

  @Test
  void writesTheScrubbedDumpNotesThePauseReportsBytesAndLeavesNoRawFile(@TempDir Path scratch) throws Exception {
    MemorySink sink = new MemorySink();
    Packet packet = new Packet(Sanitizer.withRandomKey(), sink);
    List<String> phases = Collections.synchronizedList(new ArrayList<>());
    Progress progress = new Progress() {
      @Override
      public void phase(String phase, long secondsLeft) {
        phases.add(phase);
      }

      @Override
      public void phase(String phase, long secondsLeft, long bytes) {
        phases.add(phase + ":" + (bytes >= 0));
      }
    };
    List<Outcome> outcomes = new CollectorRunner().run(List.of(new HeapDumpCollector()),
        new CollectContext(PacketOptions.parse("heapDump=all"), scratch, progress), packet);
    assertEquals(Outcome.Status.OK, outcomes.get(0).status, outcomes.get(0).reason);
    assertTrue(sink.entries().containsKey(HeapDumpCollector.ENTRY));
    assertTrue(phases.contains("heap-scrub:true"), phases::toString);
    assertTrue(packet.notes().get(0).matches("heap-dump: all-object heap dump of \\d+ MB; .*stop-the-world pause"
        + "\\) for \\d+ ms.*"), packet.notes()::toString);
    try (Stream<Path> s = Files.list(scratch)) {
      assertEquals(0, s.count(), "the raw dump is deleted at once");
    }
  }
}
