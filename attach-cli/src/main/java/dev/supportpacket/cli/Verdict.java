package dev.supportpacket.cli;

import dev.supportpacket.agent.findings.Analysis;
import dev.supportpacket.agent.findings.rules.Finding;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The few lines that answer "what is wrong" on the terminal, from a packet's findings.json. */
final class Verdict {
  /** Findings printed; the rest are counted. */
  private static final int SHOWN = 5;

  private Verdict() {}

  /** Lines for the terminal; a packet without findings.json (an older one) says so. */
  static List<String> of(Path packet, boolean complete) {
    List<String> out = new ArrayList<>();
    out.add("packet: " + (complete ? "complete" : "incomplete (warning.txt inside says what is missing)"));
    try (PacketZip entries = PacketZip.open(packet)) {
      if (!entries.names().contains(Analysis.ENTRY)) {
        out.add("no findings.json in this packet (written by an older version): `java -jar attach.jar analyze "
            + packet + "` reads it");
        return out;
      }
      out.addAll(lines(Analysis.readJson(entries.text(Analysis.ENTRY).orElse(""))));
    } catch (IOException e) {
      out.add("cannot read the findings of " + packet + ": " + e.getMessage());
    }
    return out;
  }

  static List<String> lines(List<Finding> findings) {
    List<String> out = new ArrayList<>();
    long alarming = findings.stream().filter(Finding::alarming).count();
    out.add(alarming == 0 ? "verdict: nothing wrong found" + (findings.isEmpty() ? "" : " (" + findings.size()
        + " note" + (findings.size() == 1 ? "" : "s") + ")")
        : "verdict: " + alarming + " problem" + (alarming == 1 ? "" : "s") + " found, the most important first:");
    out.addAll(perFinding(findings, SHOWN));
    out.add("details: README.html inside the packet");
    return out;
  }

  /** One line per finding for a terminal: severity, title; then "explains". */
  private static List<String> perFinding(List<Finding> findings, int max) {
    List<String> out = new ArrayList<>();
    for (Finding f : findings) {
      if (out.size() == max) {
        out.add("  … " + (findings.size() - max) + " more in findings.json");
        break;
      }
      out.add("  " + f.severity.label().toUpperCase(java.util.Locale.ROOT) + " " + f.id + ": " + f.title
          + (f.explains.isEmpty() ? "" : " (explains " + String.join(", ", f.explains) + ")"));
    }
    return out;
  }
}
