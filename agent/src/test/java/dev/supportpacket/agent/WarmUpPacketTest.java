package dev.supportpacket.agent;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.supportpacket.agent.findings.Analysis;
import dev.supportpacket.agent.findings.model.ModelReader;
import dev.supportpacket.agent.findings.model.PacketModel;
import dev.supportpacket.agent.report.PacketFacts;
import dev.supportpacket.agent.report.ReadmeHtml;
import java.io.StringWriter;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The canned packet the first packet rehearses on must still be read by today's model and rules: a packet that no
 * longer parses would leave the rules and the page cold again, silently. Regenerate it from a packet of
 * it-tests' OrderDeskApp (see WarmUpPacket) when the entries' format changes.
 */
class WarmUpPacketTest {
  @Test
  void theCannedPacketHoldsEveryEntryTheModelReadsAndGivesTheRulesRealWork() throws Exception {
    WarmUpPacket canned = WarmUpPacket.load();
    assertTrue(canned.names().containsAll(PacketModel.READS), canned.names()::toString);
    PacketModel model = ModelReader.read(canned);
    assertTrue(model.snapshots.size() >= 2, "snapshots: " + model.snapshots.size());
    assertTrue(model.start.isPresent() && model.end.isPresent(), "readings");
    Analysis analysis = Analysis.of(model);
    List<String> ids = analysis.findings().stream().map(f -> f.id).collect(Collectors.toList());
    assertTrue(ids.contains("cpu-hot-spot") && ids.contains("lock-contention"), ids::toString);

    StringWriter page = new StringWriter();
    ReadmeHtml.write(page, PacketFacts.read(canned, canned.sizes()), analysis);
    assertTrue(page.toString().contains("price-recalculator"), "the page drew the hot thread");
  }
}
