package dev.supportpacket.agent.audit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SyslogMessageTest {
  private static final AuditRecord RECORD = AuditRecord.builder(AuditRecord.PACKET_CREATE).id("r-1")
      .createAt(1767225600123L).status(AuditRecord.Status.PARTIAL).user("a\"b\\c]d").client("jmx")
      .clientHost("box").build();

  @Test
  void headerHasPriVersionUtcTimestampHostTagPidAndEventAsMsgId() {
    String m = new SyslogMessage(SyslogMessage.facility("local0"), "app-3", "shop audit", 42, null,
        AuditFormat.plain("|", "yyyy")).format(RECORD);
    assertEquals("<132>1 2026-01-01T00:00:00.123Z app-3 shop_audit 42 packet.create - 2026|warn|packet.create|partial"
        + "|id=r-1|user=a\"b\\c]d|client=jmx|clientHost=box|meta={}", m, "local0 (16) * 8 + warning (4)");
  }

  @Test
  void structuredDataEscapesQuoteBackslashAndBracket() {
    String m = new SyslogMessage(10, "h", "t", 1, "audit@32473", AuditFormat.json(null)).format(RECORD);
    assertTrue(m.contains(" packet.create [audit@32473 id=\"r-1\" event=\"packet.create\" status=\"partial\""
        + " user=\"a\\\"b\\\\c\\]d\" client=\"jmx\" clientHost=\"box\"] {"), m);
    assertEquals("x\\]\\\"\\\\y", SyslogMessage.escapeParam("x]\"\\y"));
  }

  @Test
  void headerFieldsArePrintableAsciiWithinTheirLengthOrNil() {
    assertEquals("-", SyslogMessage.header("", 48));
    assertEquals("a_b", SyslogMessage.header("a b", 48));
    assertEquals(48, SyslogMessage.header("x".repeat(100), 48).length());
    assertFalse(SyslogMessage.validSdId("has space"));
    assertFalse(SyslogMessage.validSdId("a=b"));
    assertTrue(SyslogMessage.validSdId("audit@32473"));
    assertEquals(-1, SyslogMessage.facility("nope"));
    assertEquals(10, SyslogMessage.facility("AUTHPRIV"));
  }

  @Test
  void octetCountingPrefixesTheLengthInBytes() {
    assertArrayEquals("7 <1>1 é".getBytes(StandardCharsets.UTF_8), Framing.OCTET_COUNTING.frame("<1>1 é"));
    assertArrayEquals("{}\n".getBytes(StandardCharsets.UTF_8), Framing.NEWLINE.frame("{}"));
    assertArrayEquals("{}\0".getBytes(StandardCharsets.UTF_8), Framing.NUL.frame("{}"));
  }
}
