package dev.supportpacket.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

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

  private static String stderrOf(Consumer<PrintStream> r) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    r.accept(new PrintStream(buf, true, StandardCharsets.UTF_8));
    return buf.toString(StandardCharsets.UTF_8);
  }
}
