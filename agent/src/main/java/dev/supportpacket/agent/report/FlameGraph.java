package dev.supportpacket.agent.report;

import dev.supportpacket.agent.findings.model.FoldedStack;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The data of one flame graph: folded stacks merged into a tree, frames too thin to see dropped, written as JSON
 * that is safe inside a {@code <script>} element (every {@code <}, {@code >}, {@code &} and line separator escaped:
 * a frame or thread named {@code </script>} stays text).
 */
final class FlameGraph {
  /** Frames below this share of all samples are merged away: invisible on any screen, and they cost page size. */
  private static final double MIN_SHARE = 0.0005;
  private static final int MAX_NODES = 20_000;

  private final Node root = new Node("all");
  private long total;

  static FlameGraph of(List<FoldedStack> stacks) {
    FlameGraph g = new FlameGraph();
    for (FoldedStack s : stacks) {
      g.total += s.count;
      Node n = g.root;
      n.value += s.count;
      for (String f : s.frames) {
        n = n.child(f);
        n.value += s.count;
      }
    }
    return g;
  }

  long samples() {
    return total;
  }

  /** {"names":[…],"root":[name,samples,[children…]]}, escaped for a script element. */
  String json() {
    Map<String, Integer> names = new LinkedHashMap<>();
    StringBuilder sb = new StringBuilder(4096);
    int[] budget = {MAX_NODES};
    StringBuilder tree = new StringBuilder();
    write(root, names, tree, Math.max(1, (long) (total * MIN_SHARE)), budget);
    sb.append("{\"samples\":").append(total).append(",\"names\":[");
    boolean first = true;
    for (String n : names.keySet()) {
      sb.append(first ? "" : ",");
      first = false;
      string(sb, n);
    }
    sb.append("],\"root\":").append(tree).append('}');
    return sb.toString();
  }

  private static void write(Node n, Map<String, Integer> names, StringBuilder out, long min, int[] budget) {
    budget[0]--;
    Integer idx = names.computeIfAbsent(n.name, k -> names.size());
    out.append('[').append(idx).append(',').append(n.value);
    List<Node> kids = new ArrayList<>();
    for (Node c : n.children.values()) {
      if (c.value >= min && budget[0] > 0) {
        kids.add(c);
      }
    }
    if (!kids.isEmpty()) {
      kids.sort((a, b) -> a.name.compareTo(b.name));
      out.append(",[");
      for (int i = 0; i < kids.size() && budget[0] > 0; i++) {
        out.append(i == 0 ? "" : ",");
        write(kids.get(i), names, out, min, budget);
      }
      out.append(']');
    }
    out.append(']');
  }

  /** A JSON string whose characters can never end a script element or a line of the page. */
  static void string(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029' || c == 0x7f) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    sb.append('"');
  }

  private static final class Node {
    final String name;
    final Map<String, Node> children = new HashMap<>();
    long value;

    Node(String name) {
      this.name = name;
    }

    Node child(String frame) {
      return children.computeIfAbsent(frame, Node::new);
    }
  }
}
