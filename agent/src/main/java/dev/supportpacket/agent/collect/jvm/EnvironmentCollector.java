package dev.supportpacket.agent.collect.jvm;

import dev.supportpacket.agent.collect.CollectContext;
import dev.supportpacket.agent.collect.Collector;
import dev.supportpacket.agent.packet.Packet;
import java.util.TreeMap;

/** Writes {@code jvm/environment.yaml}: the process environment, sorted by name. */
public final class EnvironmentCollector implements Collector {
  @Override
  public String id() {
    return "environment";
  }

  @Override
  public void collect(CollectContext ctx, Packet packet) throws Exception {
    packet.addYaml("jvm/environment.yaml", new TreeMap<>(System.getenv()));
  }
}
