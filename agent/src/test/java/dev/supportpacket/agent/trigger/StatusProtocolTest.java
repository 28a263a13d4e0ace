package dev.supportpacket.agent.trigger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.supportpacket.agent.options.PacketOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent writes and the CLI reads the status file through StatusProtocol alone. */
class StatusProtocolTest {
  @TempDir Path dir;

  @Test
  void whatTheAgentWritesTheCliReadsBack() throws Exception {
    Path file = Files.createFile(dir.resolve("status"));
    StatusFile status = new StatusFile(file);
    status.hello("1.2.3", true);
    status.phase("profiling", 4, 1234);
    status.done(false, dir.resolve("a packet.zip"));
    List<StatusProtocol.Line> lines = Files.readAllLines(file).stream()
        .map(l -> StatusProtocol.parse(l).orElseThrow()).collect(java.util.stream.Collectors.toList());
    assertEquals(StatusProtocol.HELLO, lines.get(0).kind);
    assertEquals(StatusProtocol.VERSION, lines.get(0).protocol());
    assertEquals("1.2.3", lines.get(0).agentVersion());
    assertTrue(lines.get(0).loadedBefore());
    assertEquals("profiling", lines.get(1).first);
    assertEquals(4, lines.get(1).number(0));
    assertEquals(1234, lines.get(1).number(1));
    assertEquals("incomplete", lines.get(2).first);
    assertEquals(dir.resolve("a packet.zip").toString(), lines.get(2).rest);
  }

  @Test
  void anotherProtocolIsRefusedNamingTheAgentsRelease() {
    assertNull(StatusProtocol.mismatch(Integer.toString(StatusProtocol.VERSION), "1.2.3"));
    String older = StatusProtocol.mismatch(null, "1.2.3");
    assertTrue(older.contains("an older one") && older.contains("release 1.2.3"), older);
    String crafted = StatusProtocol.mismatch("$(id)", "1.2.3");
    assertFalse(crafted.contains("$(id)"), crafted);
  }

  @Test
  void theProtocolOptionIsAnOptionTheAgentAccepts() {
    PacketOptions.parse(StatusProtocol.OPTION + "=" + StatusProtocol.VERSION);
  }
}
