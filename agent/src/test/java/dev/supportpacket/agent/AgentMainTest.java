package dev.supportpacket.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class AgentMainTest {

  @Test
  void badStartupOptionIsOneLineOnStderrNamingItAndNothingIsThrown() {
    Map<String, String> named = Map.of("outptu=/tmp", "outptu", "duration=0", "duration", "signal=USR2", "USR2",
        "signal=NOSUCHSIGNAL", "NOSUCHSIGNAL");
    named.forEach((bad, name) -> {
      String err = stderrOf(() -> AgentMain.premain(bad, null));
      List<String> lines = err.lines().collect(Collectors.toList());
      assertEquals(1, lines.size(), err);
      assertTrue(lines.get(0).startsWith("support-packet: bad -javaagent option"), err);
      assertTrue(lines.get(0).contains(name), err);
      assertTrue(lines.get(0).endsWith("the signal and JMX triggers are off"), err);
    });
  }

  private static String stderrOf(Runnable r) {
    PrintStream saved = System.err;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      r.run();
    } finally {
      System.setErr(saved);
    }
    return buf.toString(StandardCharsets.UTF_8);
  }
}
