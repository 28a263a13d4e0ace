package dev.supportpacket.agent.collect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.supportpacket.agent.options.PacketOptions;
import dev.supportpacket.agent.packet.MemorySink;
import dev.supportpacket.agent.packet.Packet;
import dev.supportpacket.agent.report.Outcome;
import dev.supportpacket.agent.sanitize.Sanitizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunsAfterOthersTest {
  private final List<String> events = Collections.synchronizedList(new ArrayList<>());

  private Collector collector(String id, boolean last, long millis) {
    return new Collector() {
      @Override
      public String id() {
        return id;
      }

      @Override
      public boolean runsAfterOthers() {
        return last;
      }

      @Override
      public void collect(CollectContext ctx, Packet packet) throws Exception {
        events.add("start " + id);
        Thread.sleep(millis);
        events.add("end " + id);
      }
    };
  }

  @Test
  void aLastCollectorStartsWhenEveryOtherHasEndedAndOutcomesKeepTheGivenOrder(@TempDir Path dir) {
    List<Outcome> outcomes = new CollectorRunner().run(
        List.of(collector("dump", true, 10), collector("slow", false, 300), collector("fast", false, 10)),
        new CollectContext(PacketOptions.parse(""), dir, Progress.NONE),
        new Packet(Sanitizer.withRandomKey(), new MemorySink()));
    assertEquals(List.of("dump", "slow", "fast"), outcomes.stream().map(o -> o.collector).collect(Collectors.toList()));
    assertEquals(List.of("start dump", "end dump"), events.subList(4, 6), events::toString);
  }
}
