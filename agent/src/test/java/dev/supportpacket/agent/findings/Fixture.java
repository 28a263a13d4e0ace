package dev.supportpacket.agent.findings;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.supportpacket.agent.findings.model.ModelReader;
import dev.supportpacket.agent.findings.model.PacketEntries;
import dev.supportpacket.agent.findings.model.PacketModel;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Small handcrafted packets in the shape of the real entries, for the rules' unit tests. */
final class Fixture {
  static final ObjectMapper JSON = new ObjectMapper();
  private final Map<String, String> entries = new LinkedHashMap<>();
  private final List<ObjectNode> snapshots = new ArrayList<>();
  private final ArrayNode deadlocks = JSON.createArrayNode();

  static Fixture packet() {
    return new Fixture();
  }

  /** A new snapshot, {@code atMs} after the first. */
  Fixture snapshot(long atMs, ObjectNode... threads) {
    ObjectNode s = JSON.createObjectNode();
    s.put("label", snapshots.isEmpty() ? "start" : "end");
    s.put("at_ms", 1_000_000 + atMs);
    ArrayNode ts = s.putArray("threads");
    for (ObjectNode t : threads) {
      ts.add(t);
    }
    snapshots.add(s);
    return this;
  }

  Fixture deadlock(long... ids) {
    ArrayNode d = deadlocks.addArray();
    for (long id : ids) {
      d.add(id);
    }
    return this;
  }

  static ObjectNode thread(long id, String name, String state, long cpuMs, String... stack) {
    ObjectNode t = JSON.createObjectNode();
    t.put("id", id);
    t.put("name", name);
    t.put("state", state);
    t.put("daemon", false);
    t.put("cpu_ns", cpuMs * 1_000_000);
    ArrayNode st = t.putArray("stack");
    for (String f : stack) {
      st.add(f);
    }
    return t;
  }

  static ObjectNode waiting(ObjectNode thread, String lock, long ownerId) {
    thread.put("lock", lock);
    thread.put("lock_owner_id", ownerId);
    return thread;
  }

  /** Readings at the start and end of a window of {@code windowMs}; each node edited by the caller. */
  Fixture readings(ObjectNode start, ObjectNode end) {
    ObjectNode r = JSON.createObjectNode();
    r.put("version", 1);
    r.set("start", start);
    r.set("end", end);
    return entry("jvm/readings.json", r.toString());
  }

  static ObjectNode reading(long atMs) {
    ObjectNode r = JSON.createObjectNode();
    r.put("at_ms", 1_000_000 + atMs);
    r.put("cpus", 2);
    return r;
  }

  Fixture entry(String name, String text) {
    entries.put(name, text);
    return this;
  }

  PacketModel model() {
    Map<String, String> all = new LinkedHashMap<>(entries);
    if (!snapshots.isEmpty()) {
      ObjectNode root = JSON.createObjectNode();
      root.put("version", 1);
      ArrayNode s = root.putArray("snapshots");
      snapshots.forEach(s::add);
      root.set("deadlocks", deadlocks);
      all.put("threads/snapshots.json", root.toString());
    }
    return ModelReader.read(new PacketEntries() {
      @Override
      public List<String> names() {
        return new ArrayList<>(all.keySet());
      }

      @Override
      public Optional<InputStream> open(String name) {
        String t = all.get(name);
        return t == null ? Optional.empty() : Optional.of(new ByteArrayInputStream(t.getBytes(StandardCharsets.UTF_8)));
      }
    });
  }

  Analysis analysis() {
    return Analysis.of(model());
  }

  /** The findings of one category. */
  List<dev.supportpacket.agent.findings.rules.Finding> findings(String id) {
    List<dev.supportpacket.agent.findings.rules.Finding> out = new ArrayList<>();
    for (dev.supportpacket.agent.findings.rules.Finding f : analysis().findings()) {
      if (f.id.equals(id)) {
        out.add(f);
      }
    }
    return out;
  }
}
