package dev.supportpacket.agent.options;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The expiry the attach CLI gives its request: read before anything else, checked by the full parse too. */
class RequestExpiryTest {
  private static final Instant WHEN = Instant.parse("2026-11-30T09:00:00Z");

  @Test
  void aRequestIsExpiredOnlyAfterItsExpiry() {
    RequestExpiry e = RequestExpiry.at(WHEN);
    assertFalse(e.passed(WHEN.toEpochMilli() - 1));
    assertFalse(e.passed(WHEN.toEpochMilli()));
    assertTrue(e.passed(WHEN.toEpochMilli() + 1));
    String late = e.lateMessage(WHEN.toEpochMilli() + 61_000);
    assertTrue(late.contains("61 s after it expired at 2026-11-30T09:00:00Z") && late.contains("no packet"), late);
  }

  @Test
  void theExpiryIsFoundInTheArgumentsTheCliBuilds() {
    String args = PacketOptions.builder().statusFile(java.nio.file.Path.of("/tmp/s")).build().toAgentArgs() + ","
        + RequestExpiry.at(WHEN).option();
    assertEquals(Optional.of(WHEN), RequestExpiry.in(args).map(RequestExpiry::instant));
    // The full parse accepts it: an agent that is in time goes on with the request.
    PacketOptions.parse(args);
  }

  @Test
  void noExpiryOrAMalformedOneIsNotExpiredHereAndTheFullParseRefusesTheMalformed() {
    assertEquals(Optional.empty(), RequestExpiry.in(null));
    assertEquals(Optional.empty(), RequestExpiry.in("duration=5"));
    assertEquals(Optional.empty(), RequestExpiry.in("expires=soon"));
    String message = assertThrows(IllegalArgumentException.class, () -> PacketOptions.parse("expires=soon"))
        .getMessage();
    assertFalse(message.contains("soon"), message);
    assertThrows(IllegalArgumentException.class, () -> PacketOptions.parse("expires=0"));
  }
}
