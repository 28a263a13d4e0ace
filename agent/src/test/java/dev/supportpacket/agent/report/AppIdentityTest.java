package dev.supportpacket.agent.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class AppIdentityTest {
  @Test
  void anOperatorsNameFromConfigIsMadeSafeForAFileName() {
    assertEquals("orders-service", AppIdentity.current(Optional.of("orders-service")).name());
    assertEquals("etc_passwd", AppIdentity.safeName("../../etc/passwd"));
    assertEquals("a_b_c", AppIdentity.safeName("a\nb;$(c)"));
    assertEquals(AppIdentity.MAX_NAME, AppIdentity.safeName("x".repeat(500)).length());
    // Nothing usable left: the main class or jar names it, as before.
    assertEquals(AppIdentity.appName(System.getProperty("sun.java.command", "")),
        AppIdentity.current(Optional.of("../..")).name());
  }
}
