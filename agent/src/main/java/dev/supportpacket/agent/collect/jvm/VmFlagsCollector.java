package dev.supportpacket.agent.collect.jvm;

import dev.supportpacket.agent.collect.CollectContext;
import dev.supportpacket.agent.collect.Collector;
import dev.supportpacket.agent.collect.DiagnosticCommands;
import dev.supportpacket.agent.packet.Packet;
import java.util.Map;
import java.util.TreeMap;

/** Writes {@code jvm/flags.yaml}: the VM flags not at their default value, as {@code jcmd VM.flags} lists them. */
public final class VmFlagsCollector implements Collector {
  @Override
  public String id() {
    return "vm-flags";
  }

  @Override
  public void collect(CollectContext ctx, Packet packet) throws Exception {
    packet.addYaml("jvm/flags.yaml", parse(DiagnosticCommands.run("vmFlags")));
  }

  /** Parses {@code -XX:Name=value -XX:+Flag -XX:-Flag} into a sorted map of flag name to value. */
  public static Map<String, Object> parse(String output) {
    Map<String, Object> flags = new TreeMap<>();
    for (String token : output.trim().split("\\s+")) {
      if (!token.startsWith("-XX:")) {
        continue;
      }
      String f = token.substring(4);
      if (f.startsWith("+") || f.startsWith("-")) {
        flags.put(f.substring(1), f.startsWith("+"));
      } else if (f.contains("=")) {
        String value = f.substring(f.indexOf('=') + 1);
        flags.put(f.substring(0, f.indexOf('=')), value.matches("-?\\d+") ? (Object) Long.parseLong(value) : value);
      }
    }
    return flags;
  }
}
