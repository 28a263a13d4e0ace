package dev.supportpacket.agent.findings;

import static dev.supportpacket.agent.findings.Fixture.packet;
import static dev.supportpacket.agent.findings.Fixture.reading;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.supportpacket.agent.findings.rules.Finding;
import dev.supportpacket.agent.findings.rules.Severity;
import java.util.List;
import org.junit.jupiter.api.Test;

class MemoryRulesTest {
  private static final long MB = 1024 * 1024;

  private static List<Finding> of(Fixture f, String id) {
    return f.findings(id);
  }


  private static ObjectNode heap(ObjectNode r, long used, long max, long oldAfterGc) {
    r.putObject("heap").put("used", used).put("committed", max).put("max", max);
    r.putArray("pools").addObject().put("name", "G1 Old Gen").put("type", "heap").put("used", used)
        .put("committed", max).put("max", max).put("after_gc_used", oldAfterGc);
    return r;
  }

  private static ObjectNode gc(ObjectNode r, long youngCount, long youngMs, long oldCount, long oldMs) {
    var gc = r.putArray("gc");
    gc.addObject().put("name", "G1 Young Generation").put("count", youngCount).put("time_ms", youngMs);
    gc.addObject().put("name", "G1 Old Generation").put("count", oldCount).put("time_ms", oldMs);
    gc.addObject().put("name", "G1 Concurrent GC").put("count", 100).put("time_ms", 100_000);
    return r;
  }

  @Test
  void heapFullAfterGcIsTheCauseOfGcOverhead() {
    Fixture f = packet().readings(gc(heap(reading(0), 200 * MB, 256 * MB, 230 * MB), 10, 100, 2, 400),
        gc(heap(reading(5000), 250 * MB, 256 * MB, 240 * MB), 30, 400, 14, 1900));
    List<Finding> all = f.analysis().findings();
    assertEquals("heap-exhaustion", all.get(0).id, "root cause first");
    assertEquals(Severity.CRITICAL, all.get(0).severity);
    assertTrue(all.get(0).explains.contains("gc-overhead"));
    assertTrue(all.get(0).title.contains("94 %") && all.get(0).title.contains("240 MB"), all.get(0).title);
    Finding gcf = of(f, "gc-overhead").get(0);
    assertTrue(gcf.alarming());
    assertTrue(gcf.summary.contains("1,800 ms"), gcf.summary);
  }

  @Test
  void aHeapThreeQuartersFullThatMakesTheGcThrashIsTheCause() {
    Fixture f = packet().readings(gc(heap(reading(0), 50 * MB, 64 * MB, 48 * MB), 1177, 17138, 28, 4254),
        gc(heap(reading(5000), 50 * MB, 64 * MB, 49 * MB), 1215, 18393, 29, 4457));
    List<Finding> all = f.analysis().findings();
    assertEquals("heap-exhaustion", all.get(0).id, "root cause first");
    assertTrue(all.get(0).explains.contains("gc-overhead"));
  }

  @Test
  void aHeapThreeQuartersFullWithCalmGcIsFine() {
    Fixture f = packet().readings(gc(heap(reading(0), 50 * MB, 64 * MB, 48 * MB), 10, 100, 0, 0),
        gc(heap(reading(5000), 50 * MB, 64 * MB, 49 * MB), 11, 110, 0, 0));
    assertEquals(List.of(), f.analysis().findings());
  }

  @Test
  void aHeapFullOfGarbageIsNotExhausted() {
    Fixture f = packet().readings(gc(heap(reading(0), 240 * MB, 256 * MB, 60 * MB), 10, 100, 0, 0),
        gc(heap(reading(5000), 250 * MB, 256 * MB, 60 * MB), 12, 120, 0, 0));
    assertEquals(List.of(), f.analysis().findings());
  }

  @Test
  void gcUnderFivePercentIsNotMentioned() {
    Fixture f = packet().readings(gc(reading(0), 10, 100, 0, 0), gc(reading(5000), 14, 200, 0, 0));
    assertEquals(0, of(f, "gc-overhead").size());
  }

  @Test
  void heapMaxAtTheContainerLimitIsCritical() {
    ObjectNode end = heap(reading(5000), 100 * MB, 4096 * MB, 50 * MB);
    end.putObject("container").put("memory_limit", 4096 * MB).put("memory_usage", 900 * MB);
    List<Finding> c = of(packet().readings(reading(0), end), "heap-vs-container");
    assertEquals(1, c.size());
    assertEquals(Severity.CRITICAL, c.get(0).severity);
  }

  @Test
  void aQuarterOfTheContainerForTheHeapIsFine() {
    ObjectNode end = heap(reading(5000), 100 * MB, 1024 * MB, 50 * MB);
    end.putObject("container").put("memory_limit", 4096 * MB).put("memory_usage", 900 * MB);
    end.putObject("nonheap").put("used", 80 * MB).put("committed", 90 * MB);
    assertEquals(0, of(packet().readings(reading(0), end), "heap-vs-container").size());
  }

  @Test
  void cgroupV1NoLimitIsNoLimit() {
    ObjectNode end = heap(reading(5000), 100 * MB, 6000 * MB, 50 * MB);
    end.putObject("container").put("memory_limit", 9223372036854771712L);
    end.putObject("os").put("total_memory", 24000 * MB);
    assertEquals(0, of(packet().readings(reading(0), end), "heap-vs-container").size());
  }

  @Test
  void descriptorsNearTheLimitAreCritical() {
    ObjectNode end = reading(5000);
    end.putObject("fds").put("open", 980).put("max", 1024).put("sockets", 950).put("pipes", 4).put("files", 20)
        .put("other", 6);
    List<Finding> fd = of(packet().readings(reading(0), end), "fd-exhaustion");
    assertEquals(Severity.CRITICAL, fd.get(0).severity);
    assertTrue(fd.get(0).summary.contains("950 sockets"), fd.get(0).summary);
  }

  @Test
  void fewDescriptorsAreFine() {
    ObjectNode end = reading(5000);
    end.putObject("fds").put("open", 40).put("max", 1024);
    assertEquals(0, of(packet().readings(reading(0), end), "fd-exhaustion").size());
  }

  @Test
  void metaspaceNearItsMaxIsAClassLeak() {
    ObjectNode end = reading(5000);
    end.putArray("pools").addObject().put("name", "Metaspace").put("type", "non-heap").put("used", 30 * MB)
        .put("max", 32 * MB);
    end.putObject("classes").put("loaded", 40000).put("unloaded", 0).put("total_loaded", 40000);
    ObjectNode start = reading(0);
    start.putObject("classes").put("loaded", 35000).put("unloaded", 0).put("total_loaded", 35000);
    List<Finding> c = of(packet().readings(start, end), "class-leak");
    assertEquals(1, c.size());
    assertEquals(Severity.CRITICAL, c.get(0).severity);
    assertTrue(c.get(0).summary.contains("5,000 classes loaded"), c.get(0).summary);
  }

  @Test
  void unlimitedMetaspaceIsNoClassLeak() {
    ObjectNode end = reading(5000);
    end.putArray("pools").addObject().put("name", "Metaspace").put("used", 300 * MB).put("max", -1);
    assertEquals(0, of(packet().readings(reading(0), end), "class-leak").size());
  }
}
