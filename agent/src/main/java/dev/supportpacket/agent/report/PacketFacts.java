package dev.supportpacket.agent.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.supportpacket.agent.AppIdentity;
import dev.supportpacket.agent.findings.model.PacketEntries;
import dev.supportpacket.agent.packet.EntryRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the report page says about the packet itself: whose it is, whether it is complete, its files. Made from the
 * packet service's own knowledge while writing, or read back from metadata.yaml and report.txt of a packet on disk.
 */
public final class PacketFacts {
  public final String app;
  public final String pid;
  public final String host;
  public final boolean complete;
  public final boolean unsanitized;
  /** Entry name → bytes (-1 when not known yet), in packet order. */
  public final Map<String, Long> files;
  /** One line per collector: "id: status (reason)". */
  public final List<String> collectors;

  public PacketFacts(String app, String pid, String host, boolean complete, boolean unsanitized,
      Map<String, Long> files, List<String> collectors) {
    this.app = app;
    this.pid = pid;
    this.host = host;
    this.complete = complete;
    this.unsanitized = unsanitized;
    this.files = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(files));
    this.collectors = List.copyOf(collectors);
  }

  static PacketFacts of(AppIdentity app, Report report, List<EntryRecord> entries) {
    Map<String, Long> files = new LinkedHashMap<>();
    for (EntryRecord e : entries) {
      files.put(e.name, e.bytes);
    }
    List<String> collectors = new ArrayList<>();
    for (Outcome o : report.outcomes()) {
      collectors.add(o.collector + ": " + o.status.name().toLowerCase(java.util.Locale.ROOT)
          + (o.reason.isEmpty() ? "" : " (" + o.reason + ")"));
    }
    return new PacketFacts(app.name(), Long.toString(app.pid()), app.host(), report.complete(), report.unsanitized(),
        files, collectors);
  }

  /** The facts of a packet on disk; {@code sizes} gives each entry's size. */
  public static PacketFacts read(PacketEntries entries, Map<String, Long> sizes) {
    JsonNode meta = null;
    try {
      meta = new ObjectMapper(new YAMLFactory()).readTree(entries.text("metadata.yaml").orElse("{}"));
    } catch (java.io.IOException | RuntimeException e) {
      // an odd metadata.yaml leaves the header generic; the findings do not depend on it
    }
    String report = entries.text("report.txt").orElse("");
    List<String> collectors = new ArrayList<>();
    boolean inTable = false;
    for (String line : report.split("\n")) {
      if (line.startsWith("collector ")) {
        inTable = true;
      } else if (line.isBlank()) {
        inTable = false;
      } else if (inTable) {
        String[] f = line.trim().split("\\s+", 5);
        collectors.add(f[0] + ": " + (f.length > 1 ? f[1] : "?") + (f.length > 4 ? " (" + f[4] + ")" : ""));
      }
    }
    JsonNode m = meta == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : meta;
    return new PacketFacts(m.path("app").asText("?"), m.path("pid").asText("?"), m.path("host").asText("?"),
        report.contains("packet: complete"), m.path("unsanitized_memory").asBoolean(false), sizes, collectors);
  }
}
