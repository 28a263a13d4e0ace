package dev.supportpacket.agent.collect.jvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.supportpacket.agent.collect.CollectContext;
import dev.supportpacket.agent.collect.Progress;
import dev.supportpacket.agent.options.PacketOptions;
import dev.supportpacket.agent.packet.MemorySink;
import dev.supportpacket.agent.packet.Packet;
import dev.supportpacket.agent.sanitize.Sanitizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JvmReadingsTest {
  @TempDir Path dir;

  @Test
  void startAndEndDifferAfterGcsInTheWindow() throws Exception {
    MemorySink sink = new MemorySink();
    Packet packet = new Packet(Sanitizer.withRandomKey(), sink);
    PacketOptions options = PacketOptions.builder().profileDuration(Duration.ofSeconds(1)).build();
    new JvmReadingsCollector(new CgroupFiles(dir)).collect(new CollectContext(options, dir, Progress.NONE), packet);
    JsonNode json = new ObjectMapper().readTree(sink.text("jvm/readings.json"));
    assertEquals(1, json.get("version").asInt());
    JsonNode start = json.get("start");
    JsonNode end = json.get("end");
    assertTrue(end.get("at_ms").asLong() - start.get("at_ms").asLong() >= 900, "readings span the window");
    assertTrue(end.get("process_cpu_ns").asLong() > start.get("process_cpu_ns").asLong());
    assertTrue(end.get("heap").get("max").asLong() > 0);
    assertTrue(end.get("threads").get("live").asInt() > 0);
    assertTrue(end.get("classes").get("loaded").asInt() > 0);
    JsonNode fds = end.get("fds");
    assertTrue(fds.get("open").asLong() > 0 && fds.get("max").asLong() > 0);
    assertTrue(fds.get("files").asLong() > 0, "the jars on the class path are open files: " + fds);
    boolean afterGc = false;
    for (JsonNode p : end.get("pools")) {
      afterGc |= p.get("after_gc_used").isNumber();
    }
    assertTrue(afterGc, "heap pools say their use after the last GC");
    assertTrue(end.get("container").isNull(), "an empty cgroup root reads as no container");
    assertTrue(end.get("buffers").size() >= 1);
  }

  @Test
  void gcCountsOfTwoReadingsDifferByTheGcsInBetween() {
    Map<String, Object> start = JvmReading.take(new CgroupFiles(dir)).toJson();
    System.gc();
    System.gc();
    Map<String, Object> end = JvmReading.take(new CgroupFiles(dir)).toJson();
    assertTrue(gcCount(end) >= gcCount(start) + 2, start.get("gc") + " then " + end.get("gc"));
  }

  @SuppressWarnings("unchecked")
  private static long gcCount(Map<String, Object> reading) {
    long n = 0;
    for (Object gc : (java.util.List<Object>) reading.get("gc")) {
      n += ((Number) ((Map<String, Object>) gc).get("count")).longValue();
    }
    return n;
  }

  @Test
  void cgroupV2LimitsAndThrottling() throws Exception {
    Files.writeString(dir.resolve("cgroup.controllers"), "cpu memory\n");
    Files.writeString(dir.resolve("memory.max"), "536870912\n");
    Files.writeString(dir.resolve("memory.current"), "123456789\n");
    Files.writeString(dir.resolve("cpu.max"), "50000 100000\n");
    Files.writeString(dir.resolve("cpu.stat"), "usage_usec 9\nnr_throttled 42\nthrottled_usec 7000\n");
    Map<String, Object> c = new CgroupFiles(dir).read();
    assertEquals(536870912L, c.get("memory_limit"));
    assertEquals(123456789L, c.get("memory_usage"));
    assertEquals(50000L, c.get("cpu_quota_us"));
    assertEquals(100000L, c.get("cpu_period_us"));
    assertEquals(42L, c.get("nr_throttled"));
    assertEquals(7000L, c.get("throttled_us"));
  }

  @Test
  void cgroupV2WithoutLimitsReadsAsNulls() throws Exception {
    Files.writeString(dir.resolve("cgroup.controllers"), "cpu memory\n");
    Files.writeString(dir.resolve("memory.max"), "max\n");
    Files.writeString(dir.resolve("memory.current"), "1000\n");
    Files.writeString(dir.resolve("cpu.max"), "max 100000\n");
    Map<String, Object> c = new CgroupFiles(dir).read();
    assertNull(c.get("memory_limit"));
    assertNull(c.get("cpu_quota_us"));
    assertEquals(1000L, c.get("memory_usage"));
  }

  @Test
  void cgroupV1UnlimitedIsNullAndThrottledTimeIsInMicroseconds() throws Exception {
    Files.createDirectories(dir.resolve("memory"));
    Files.createDirectories(dir.resolve("cpu"));
    Files.writeString(dir.resolve("memory/memory.limit_in_bytes"), "9223372036854771712\n");
    Files.writeString(dir.resolve("memory/memory.usage_in_bytes"), "2048\n");
    Files.writeString(dir.resolve("cpu/cpu.cfs_quota_us"), "-1\n");
    Files.writeString(dir.resolve("cpu/cpu.cfs_period_us"), "100000\n");
    Files.writeString(dir.resolve("cpu/cpu.stat"), "nr_periods 10\nnr_throttled 3\nthrottled_time 5000000\n");
    Map<String, Object> c = new CgroupFiles(dir).read();
    assertNull(c.get("memory_limit"));
    assertNull(c.get("cpu_quota_us"));
    assertNotNull(c.get("memory_usage"));
    assertEquals(3L, c.get("nr_throttled"));
    assertEquals(5000L, c.get("throttled_us"));
  }
}
