package dev.supportpacket.agent.collect.config;

import dev.supportpacket.agent.collect.CollectContext;
import dev.supportpacket.agent.collect.Collector;
import dev.supportpacket.agent.packet.Packet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the application's config files under {@code config/}, each redacted by key ({@link KeyedConfigWriter}) and
 * then filtered like any text, and {@code config/index.yaml}: for each file its entry, where it came from, how it
 * was found and its size; files that could not be included are listed with the reason.
 */
public final class ConfigFilesCollector implements Collector {
  @Override
  public String id() {
    return "config-files";
  }

  @Override
  public void collect(CollectContext ctx, Packet packet) throws Exception {
    collect(ConfigDiscovery.ofThisProcess(), packet);
  }

  void collect(ConfigDiscovery discovery, Packet packet) throws Exception {
    // An application without config files misses nothing: the index says so and the packet stays complete.
    List<ConfigFile> files = discovery.discover();
    List<Object> included = new ArrayList<>();
    List<Object> skipped = new ArrayList<>();
    for (ConfigFile f : files) {
      if (Thread.currentThread().isInterrupted()) {
        throw new InterruptedException("cancelled while writing config files");
      }
      Map<String, Object> item = new LinkedHashMap<>();
      String entry = "config/" + f.relativeName();
      item.put("source", f.location());
      f.realPath().ifPresent(real -> item.put("real_path", real.toString()));
      item.put("found_by", f.foundBy());
      if (f.refusal().isPresent()) {
        item.put("reason", f.refusal().get());
        skipped.add(item);
        continue;
      }
      try {
        String text = ConfigText.read(f);
        item.put("size", f.size());
        packet.addKeyedText(entry, (out, redactor) -> new KeyedConfigWriter(redactor).write(f.extension(), text, out));
        Map<String, Object> ok = new LinkedHashMap<>();
        ok.put("entry", entry);
        ok.putAll(item);
        included.add(ok);
      } catch (ConfigText.TooLarge e) {
        item.put("reason", e.getMessage());
        skipped.add(item);
      } catch (java.io.IOException e) {
        item.put("reason", "cannot read: " + e);
        skipped.add(item);
      }
    }
    Map<String, Object> index = new LinkedHashMap<>();
    index.put("files", included);
    if (files.isEmpty()) {
      index.put("note", "no config file found in the Spring Boot, Quarkus and Micronaut locations, the logging "
          + "configs on the class path or in the working directory, or named by a system property or argument");
    }
    if (!skipped.isEmpty()) {
      index.put("not_included", skipped);
    }
    packet.addYaml("config/index.yaml", index);
  }
}
