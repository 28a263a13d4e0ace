package dev.supportpacket.agent.findings;

import static dev.supportpacket.agent.findings.Fixture.packet;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.supportpacket.agent.findings.rules.Finding;
import java.util.List;
import org.junit.jupiter.api.Test;

class ErrorStormRuleTest {
  private static String summary(long errorsInWorstMinute) {
    return "{\"version\":1,\"per_minute\":[{\"minute\":\"2026-11-30T06:01\",\"error\":2,\"warn\":1},"
        + "{\"minute\":\"2026-11-30T06:02\",\"error\":" + errorsInWorstMinute + ",\"warn\":3}],"
        + "\"by_logger\":[{\"logger\":\"com.acme.pay.PaymentGateway\",\"error\":" + errorsInWorstMinute + ",\"warn\":0}],"
        + "\"exceptions\":[{\"type\":\"java.net.ConnectException\",\"count\":" + errorsInWorstMinute
        + ",\"example\":\"Connection refused\"}],\"last_error\":{\"entry\":\"logs/app.log\",\"line\":812,"
        + "\"text\":\"ERROR payment failed\",\"stack\":[\"java.net.ConnectException: Connection refused\"]}}";
  }

  @Test
  void hundredsOfErrorsAMinuteAreAStormNamingLoggerAndException() {
    List<Finding> f = packet().entry("logs/summary.json", summary(480)).analysis().findings();
    assertEquals("error-storm", f.get(0).id);
    assertTrue(f.get(0).alarming());
    assertTrue(f.get(0).title.contains("PaymentGateway") && f.get(0).title.contains("ConnectException"), f.get(0).title);
    assertTrue(f.get(0).evidence.stream().anyMatch(e -> e.entry.equals("logs/app.log") && e.line == 812));
  }

  @Test
  void aFewErrorsAreNoStorm() {
    assertEquals(List.of(), packet().entry("logs/summary.json", summary(3)).analysis().alarming());
  }

  @Test
  void thousandsOfThrowablesASecondAreAStorm() {
    String events = "{\"version\":1,\"window_ms\":5000,\"exceptions\":{\"throwables\":60000}}";
    List<Finding> f = packet().entry("jvm/events.json", events).analysis().findings();
    assertEquals("error-storm", f.get(0).id);
    assertTrue(f.get(0).alarming());
  }
}
