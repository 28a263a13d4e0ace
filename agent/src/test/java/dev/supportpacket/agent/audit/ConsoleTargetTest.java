package dev.supportpacket.agent.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConsoleTargetTest {
  @Test
  void writesOneLinePerRecordInItsFormatAndOnlyItsLevels() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ConsoleTarget console = new ConsoleTarget("screen", new PrintStream(bytes, true, StandardCharsets.UTF_8),
        AuditFormat.plain(" ; ", "yyyy"), EnumSet.of(AuditRecord.Level.WARN));
    console.write(List.of(Configs.record("alice"), Configs.record("bob")));
    String[] lines = bytes.toString(StandardCharsets.UTF_8).split(System.lineSeparator());
    assertEquals(2, lines.length);
    assertTrue(lines[1].matches("\\d{4} ; info ; packet.create ; success ; id=.* ; user=bob ; .*"), lines[1]);
    assertTrue(console.accepts(AuditRecord.Level.WARN));
    assertFalse(console.accepts(AuditRecord.Level.INFO));
    assertFalse(console.offHost(), "seals of the files are not copied to a console");
  }
}
