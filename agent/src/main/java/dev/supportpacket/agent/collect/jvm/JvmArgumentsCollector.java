package dev.supportpacket.agent.collect.jvm;

import dev.supportpacket.agent.collect.CollectContext;
import dev.supportpacket.agent.collect.Collector;
import dev.supportpacket.agent.packet.Packet;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes {@code jvm/arguments.yaml}: the whole command line, the JVM's input arguments, the main class or jar and the
 * program arguments. Each argument is one list item, so that {@code --password=x} and {@code -Dkey=x} are redacted
 * by key like any other setting.
 */
public final class JvmArgumentsCollector implements Collector {
  @Override
  public String id() {
    return "jvm-arguments";
  }

  @Override
  public void collect(CollectContext ctx, Packet packet) throws Exception {
    packet.addYaml("jvm/arguments.yaml", describe());
  }

  static Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    List<String> command = commandLine();
    if (!command.isEmpty()) {
      m.put("command_line", ArgumentList.asTree(command));
    }
    m.put("jvm_arguments", ArgumentList.asTree(ManagementFactory.getRuntimeMXBean().getInputArguments()));
    String javaCommand = System.getProperty("sun.java.command", "");
    List<String> words = javaCommand.isBlank() ? List.of() : Arrays.asList(javaCommand.trim().split("\\s+"));
    m.put("main", words.isEmpty() ? "unknown" : words.get(0));
    m.put("program_arguments", ArgumentList.asTree(words.size() > 1 ? words.subList(1, words.size()) : List.of()));
    return m;
  }

  /** The exact command line from /proc on Linux; empty elsewhere (the other keys still describe it). */
  private static List<String> commandLine() {
    Path cmdline = Paths.get("/proc/self/cmdline");
    try {
      if (!Files.isReadable(cmdline)) {
        return List.of();
      }
      String raw = new String(Files.readAllBytes(cmdline), StandardCharsets.UTF_8);
      List<String> out = new ArrayList<>(Arrays.asList(raw.split("\0")));
      out.removeIf(String::isEmpty);
      return out;
    } catch (IOException e) {
      return List.of();
    }
  }
}
