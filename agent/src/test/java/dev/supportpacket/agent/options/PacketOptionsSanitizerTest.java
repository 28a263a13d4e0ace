package dev.supportpacket.agent.options;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Paths;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PacketOptionsSanitizerTest {
  @Test
  void rulesAndSiteKeyFileSurviveTheTrip() {
    PacketOptions o = PacketOptions.builder()
        .rulesFile(Paths.get("/etc/acme/rules,v2.yaml"))
        .siteKeyFile(Paths.get("/etc/acme/site.key"))
        .build();
    PacketOptions back = PacketOptions.parse(o.toAgentArgs());
    assertEquals(Optional.of(Paths.get("/etc/acme/rules,v2.yaml")), back.rulesFile());
    assertEquals(Optional.of(Paths.get("/etc/acme/site.key")), back.siteKeyFile());
    assertEquals(Optional.empty(), PacketOptions.parse("").rulesFile());
  }
}
