package dev.supportpacket.agent.collect.jvm;

import dev.supportpacket.agent.collect.CollectContext;
import dev.supportpacket.agent.collect.Collector;
import dev.supportpacket.agent.options.PacketOptions;
import dev.supportpacket.agent.packet.Packet;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes {@code jvm/readings.json}: the JVM's counters (GC, pools, threads, classes, CPU time, descriptors, cgroup
 * limits and throttling, buffers) at the start and the end of the profile window, which it overlaps. Rates need two
 * readings: GC time share, CPU used, threads started, classes loaded over the window.
 */
public final class JvmReadingsCollector implements Collector {
  private final CgroupFiles cgroup;

  public JvmReadingsCollector() {
    this(CgroupFiles.ofThisProcess());
  }

  JvmReadingsCollector(CgroupFiles cgroup) {
    this.cgroup = cgroup;
  }

  @Override
  public String id() {
    return "jvm-readings";
  }

  @Override
  public Duration timeout(PacketOptions options) {
    return options.profileDuration().plusSeconds(30);
  }

  @Override
  public void collect(CollectContext ctx, Packet packet) throws Exception {
    JvmReading start = JvmReading.take(cgroup);
    Thread.sleep(ctx.options().profileDuration().toMillis());
    JvmReading end = JvmReading.take(cgroup);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("version", 1);
    m.put("start", start.toJson());
    m.put("end", end.toJson());
    packet.addJson("jvm/readings.json", m);
  }
}
