package dev.supportpacket.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.supportpacket.agent.options.PacketOptions;
import dev.supportpacket.agent.options.RequestExpiry;
import dev.supportpacket.agent.trigger.FailureKind;
import dev.supportpacket.agent.trigger.StatusProtocol;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentMainTest {

  @Test
  void badStartupOptionIsOneLineOnStderrNamingItAndNothingIsThrown() {
    // startTriggers is the startup thread's body; premain only starts that thread (StartupAgentIT runs it for real).
    Map<String, String> named = Map.of("outptu=/tmp", "outptu", "duration=0", "duration", "signal=USR2", "USR2",
        "signal=NOSUCHSIGNAL", "NOSUCHSIGNAL");
    named.forEach((bad, name) -> {
      String err = stderrOf(out -> AgentMain.startTriggers(bad, out));
      List<String> lines = err.lines().collect(Collectors.toList());
      assertEquals(1, lines.size(), err);
      assertTrue(lines.get(0).startsWith("support-packet: bad -javaagent option"), err);
      assertTrue(lines.get(0).contains(name), err);
      assertTrue(lines.get(0).endsWith("the signal and JMX triggers are off"), err);
    });
  }

  /**
   * A request the JVM takes only after the expiry the CLI gave it (the JVM was hung, and recovered after the CLI gave
   * up): no packet, only a status line saying it expired; the packet code is not even loaded.
   */
  @Test
  void aRequestTakenAfterItsExpiryWritesNoPacketOnlyAStatusLine(@TempDir Path dir) throws Exception {
    Path status = Files.createFile(dir.resolve("status.txt"));
    Path out = Files.createDirectory(dir.resolve("out"));
    String loads = System.getProperty(AgentMain.LOADS_PROPERTY);
    String args = PacketOptions.builder().statusFile(status).outputDir(out).build().toAgentArgs() + ","
        + StatusProtocol.OPTION + "=" + StatusProtocol.VERSION + ","
        + RequestExpiry.at(Instant.now().minusSeconds(90)).option();

    AgentMain.agentmain(args, null);

    List<String> lines = Files.readAllLines(status);
    assertEquals(1, lines.size(), lines.toString());
    StatusProtocol.Line line = StatusProtocol.parse(lines.get(0)).orElseThrow();
    assertEquals(StatusProtocol.FAILED, line.kind);
    assertEquals(FailureKind.EXPIRED.name(), line.first);
    assertTrue(line.rest.contains("s after it expired at") && line.rest.contains("no packet was written"), line.rest);
    try (Stream<Path> files = Files.list(out)) {
      assertEquals(List.of(), files.collect(Collectors.toList()));
    }
    assertEquals(loads, System.getProperty(AgentMain.LOADS_PROPERTY), "an expired request is not even counted");
  }

  @Test
  void aRequestInTimeOrWithoutExpiryGoesOn(@TempDir Path dir) {
    long now = System.currentTimeMillis();
    String status = "status=" + dir.resolve("status.txt");
    assertFalse(AgentMain.expired(status + "," + RequestExpiry.at(Instant.ofEpochMilli(now + 1000)).option(), now));
    assertFalse(AgentMain.expired(status, now));
    assertTrue(AgentMain.expired(status + "," + RequestExpiry.at(Instant.ofEpochMilli(now - 1)).option(), now));
  }

  private static String stderrOf(Consumer<PrintStream> r) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    r.accept(new PrintStream(buf, true, StandardCharsets.UTF_8));
    return buf.toString(StandardCharsets.UTF_8);
  }
}
