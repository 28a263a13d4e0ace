package dev.supportpacket.agent.collect.jvm;

import dev.supportpacket.agent.collect.CollectContext;
import dev.supportpacket.agent.collect.Collector;
import dev.supportpacket.agent.packet.Packet;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/** Writes {@code jvm/system-properties.yaml}, sorted by key. */
public final class SystemPropertiesCollector implements Collector {
  @Override
  public String id() {
    return "system-properties";
  }

  @Override
  public void collect(CollectContext ctx, Packet packet) throws Exception {
    packet.addYaml("jvm/system-properties.yaml", snapshot());
  }

  /** A copy taken at once: the application may change its properties while we read them. */
  public static Map<String, String> snapshot() {
    Properties p = (Properties) System.getProperties().clone();
    Map<String, String> sorted = new TreeMap<>();
    for (String name : p.stringPropertyNames()) {
      sorted.put(name, p.getProperty(name));
    }
    return sorted;
  }
}
