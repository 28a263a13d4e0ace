package dev.supportpacket.agent.findings;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.supportpacket.agent.findings.model.ModelReader;
import dev.supportpacket.agent.findings.model.PacketEntries;
import dev.supportpacket.agent.findings.model.PacketModel;
import dev.supportpacket.agent.findings.rules.BlockedIoRule;
import dev.supportpacket.agent.findings.rules.ClassLeakRule;
import dev.supportpacket.agent.findings.rules.CpuHotSpotRule;
import dev.supportpacket.agent.findings.rules.DeadlockRule;
import dev.supportpacket.agent.findings.rules.ErrorStormRule;
import dev.supportpacket.agent.findings.rules.Evidence;
import dev.supportpacket.agent.findings.rules.FdExhaustionRule;
import dev.supportpacket.agent.findings.rules.Finding;
import dev.supportpacket.agent.findings.rules.GcOverheadRule;
import dev.supportpacket.agent.findings.rules.HeapExhaustionRule;
import dev.supportpacket.agent.findings.rules.HeapVsContainerRule;
import dev.supportpacket.agent.findings.rules.LockContentionRule;
import dev.supportpacket.agent.findings.rules.PoolStarvationRule;
import dev.supportpacket.agent.findings.rules.Rule;
import dev.supportpacket.agent.findings.rules.ThreadLeakRule;
import dev.supportpacket.agent.packet.Packet;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Runs every rule over one packet model, links causes to their effects and orders the findings, root causes
 * first. The same code runs at the end of every packet inside the target and offline in {@code attach.jar analyze}.
 */
public final class Analysis {
  public static final String ENTRY = "findings.json";

  /** Cause → effects it can explain, when they concern the same threads (or either concerns no thread). */
  private static final Map<String, List<String>> CAUSES = Map.of(
      "deadlock", List.of("lock-contention", "pool-starvation", "blocked-io"),
      "blocked-io", List.of("pool-starvation"),
      "lock-contention", List.of("pool-starvation"),
      "heap-exhaustion", List.of("gc-overhead"),
      "class-leak", List.of("gc-overhead"));

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
      .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);

  private final List<Finding> findings;
  private final PacketModel model;

  private Analysis(PacketModel model, List<Finding> findings) {
    this.model = model;
    this.findings = List.copyOf(findings);
  }

  /**
   * Runs the rules over the entries already written (sanitized, small: never the raw JFR or heap of the target)
   * and writes findings.json. The same for every trigger, and for the packet the attach CLI writes from outside a
   * JVM too full for the agent; bounded by the entries' size caps. Its time goes into report.txt's notes.
   */
  public static Analysis writeInto(Packet packet) throws IOException {
    long t0 = System.nanoTime();
    long t1;
    Analysis analysis;
    try {
      PacketModel model = ModelReader.read(new WrittenEntries(packet));
      t1 = System.nanoTime();
      analysis = Analysis.of(model);
    } catch (RuntimeException | StackOverflowError e) {
      // The packet matters more than its verdict: say so (our words only, no collected text) and go on.
      packet.note("analysis failed (" + e.getClass().getSimpleName() + "); findings.json lists nothing");
      t1 = System.nanoTime();
      analysis = Analysis.of(ModelReader.read(PacketEntries.NONE));
    }
    long t2 = System.nanoTime();
    packet.addText(ENTRY, analysis::writeJson);
    long t3 = System.nanoTime();
    // The parts, for bench/findings-cost.sh: a first packet's time is mostly the model's (class loading, parsing).
    packet.note("analysis: " + analysis.findings().size() + " findings (" + analysis.alarming().size()
        + " warning or critical) in " + ms(t3 - t0) + " ms (model " + ms(t1 - t0) + ", rules " + ms(t2 - t1)
        + ", findings.json " + ms(t3 - t2) + ")");
    return analysis;
  }

  private static long ms(long nanos) {
    return nanos / 1_000_000;
  }

  public static List<Rule> rules() {
    return List.of(new DeadlockRule(), new BlockedIoRule(), new LockContentionRule(), new PoolStarvationRule(),
        new HeapExhaustionRule(), new GcOverheadRule(), new CpuHotSpotRule(), new ErrorStormRule(),
        new HeapVsContainerRule(), new ThreadLeakRule(), new FdExhaustionRule(), new ClassLeakRule());
  }

  /** Every rule over {@code model}; a rule that fails is left out, never the analysis. */
  public static Analysis of(PacketModel model) {
    return of(model, rules());
  }

  static Analysis of(PacketModel model, List<Rule> rules) {
    List<Finding> found = new ArrayList<>();
    for (Rule r : rules) {
      try {
        found.addAll(r.apply(model));
      } catch (RuntimeException e) {
        // A rule tripping over odd data must not cost the other findings; the page says what was not checked.
      }
    }
    return new Analysis(model, link(found));
  }

  /** Marks causes and scores each just above what it explains, so that the root cause comes first. */
  static List<Finding> link(List<Finding> found) {
    List<Finding> out = new ArrayList<>(found);
    for (int pass = 0; pass < 2; pass++) {
      for (int i = 0; i < out.size(); i++) {
        for (Finding effect : out) {
          Finding cause = out.get(i);
          if (CAUSES.getOrDefault(cause.id, List.of()).contains(effect.id) && related(cause, effect)) {
            out.set(i, cause.explaining(effect));
          }
        }
      }
    }
    out.sort(Comparator.comparingInt((Finding f) -> f.score).reversed()
        .thenComparing(f -> f.severity.ordinal()));
    return out;
  }

  private static boolean related(Finding a, Finding b) {
    return a.about.isEmpty() || b.about.isEmpty() || !Collections.disjoint(a.about, b.about);
  }

  public List<Finding> findings() {
    return findings;
  }

  public PacketModel model() {
    return model;
  }

  /** The findings that need attention: warning or critical. */
  public List<Finding> alarming() {
    List<Finding> out = new ArrayList<>();
    for (Finding f : findings) {
      if (f.alarming()) {
        out.add(f);
      }
    }
    return out;
  }

  /** findings.json: {@code {"version":1,"findings":[…],"not_checked":[…]}}, highest score first. */
  public void writeJson(Writer w) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("version", 1);
    ArrayNode arr = root.putArray("findings");
    for (Finding f : findings) {
      ObjectNode o = arr.addObject();
      o.put("id", f.id);
      o.put("severity", f.severity.label());
      o.put("score", f.score);
      o.put("title", f.title);
      o.put("summary", f.summary);
      ArrayNode ev = o.putArray("evidence");
      for (Evidence e : f.evidence) {
        ObjectNode x = ev.addObject();
        x.put("entry", e.entry);
        if (e.line > 0) {
          x.put("line", e.line);
        }
        x.put("text", e.text);
      }
      ArrayNode ex = o.putArray("explains");
      f.explains.forEach(ex::add);
    }
    ArrayNode nc = root.putArray("not_checked");
    model.notChecked.forEach(nc::add);
    JSON.writeValue(w, root);
  }

  /** The findings of a findings.json, for the CLI's verdict; empty for anything it cannot read. */
  public static List<Finding> readJson(String json) {
    List<Finding> out = new ArrayList<>();
    try {
      JsonNode root = JSON.readTree(json);
      for (JsonNode f : root.path("findings")) {
        List<Evidence> ev = new ArrayList<>();
        for (JsonNode e : f.path("evidence")) {
          ev.add(new Evidence(e.path("entry").asText("?"), e.path("line").asInt(0), e.path("text").asText("")));
        }
        List<String> ex = new ArrayList<>();
        f.path("explains").forEach(x -> ex.add(x.asText()));
        out.add(new Finding(f.path("id").asText("unknown"),
            dev.supportpacket.agent.findings.rules.Severity.of(f.path("severity").asText("")),
            Math.max(0, Math.min(100, f.path("score").asInt(0))), f.path("title").asText("?"),
            f.path("summary").asText(""), ev, ex, java.util.Set.of()));
      }
    } catch (IOException | IllegalArgumentException e) {
      return List.of();
    }
    return out;
  }
}
