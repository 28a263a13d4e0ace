package dev.supportpacket.cli;

import dev.supportpacket.agent.findings.Analysis;
import dev.supportpacket.agent.findings.model.ModelReader;
import dev.supportpacket.agent.findings.rules.Evidence;
import dev.supportpacket.agent.findings.rules.Finding;
import dev.supportpacket.agent.packet.PrivateFiles;
import dev.supportpacket.agent.report.PacketFacts;
import dev.supportpacket.agent.report.ReadmeHtml;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code attach.jar analyze <packet.zip>}: runs the packet's rules offline on any packet, also one written by an
 * older version without findings.json, and prints the findings; {@code --html FILE} writes the report page.
 */
@Command(
    name = "analyze",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the diagnosis rules on a support packet (any version) and prints the findings, most important first:",
      "severity, category, culprit, numbers and where in the packet the evidence is. Nothing is sent anywhere.",
      "Exit code 0: analysed (whatever was found); 2: the file cannot be read."
    })
public final class AnalyzeCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "<packet.zip>", description = "the packet to analyse")
  Path packet;

  @Option(names = "--html", paramLabel = "FILE", description = "also write the report page (README.html) to FILE")
  Path html;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (PacketZip zip = PacketZip.open(packet)) {
      Analysis analysis = Analysis.of(ModelReader.read(zip));
      PacketFacts facts = PacketFacts.read(zip, zip.sizes());
      out.println(packet + ": " + (facts.complete ? "complete" : "incomplete") + " packet of " + facts.app + " (pid "
          + facts.pid + ")");
      for (String line : Verdict.lines(analysis.findings()).subList(0, 1)) {
        out.println(line);
      }
      for (Finding f : analysis.findings()) {
        out.println();
        out.println(f.severity.label().toUpperCase(java.util.Locale.ROOT) + " " + f.id + " (score " + f.score + "): "
            + f.title);
        out.println("  " + f.summary);
        if (!f.explains.isEmpty()) {
          out.println("  root cause of: " + String.join(", ", f.explains));
        }
        for (Evidence e : f.evidence) {
          out.println("  see " + e.entry + (e.line > 0 ? ":" + e.line : "") + "  " + e.text);
        }
      }
      if (!analysis.model().notChecked.isEmpty()) {
        out.println();
        out.println("not checked:");
        analysis.model().notChecked.forEach(n -> out.println("  " + n));
      }
      if (html != null) {
        // Owner-only like the packet: the page holds the packet's (sanitized) names and numbers.
        Files.deleteIfExists(html);
        PrivateFiles.createFile(html);
        try (Writer w = Files.newBufferedWriter(html, StandardCharsets.UTF_8)) {
          ReadmeHtml.write(w, facts, analysis);
        }
        out.println();
        out.println("report page: " + html);
      }
      return ExitCode.OK.code;
    } catch (IOException e) {
      err.println("cannot read " + packet + ": " + e.getMessage());
      return ExitCode.USAGE.code;
    }
  }
}
