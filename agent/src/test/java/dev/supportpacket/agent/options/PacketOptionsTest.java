package dev.supportpacket.agent.options;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Paths;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PacketOptionsTest {

  @Test
  void survivesTheTripThroughTheAgentArgumentString() {
    PacketOptions o = PacketOptions.builder().outputDir(Paths.get("/tmp/a,b=c%d")).profileDuration(Duration.ofSeconds(7))
        .statusFile(Paths.get("/tmp/status")).trigger("attach").liveHistogram(true).build();
    PacketOptions back = PacketOptions.parse(o.toAgentArgs());
    assertEquals(Paths.get("/tmp/a,b=c%d"), back.outputDir().orElseThrow());
    assertEquals(Duration.ofSeconds(7), back.profileDuration());
    assertEquals(Paths.get("/tmp/status"), back.statusFile().orElseThrow());
    assertTrue(back.liveHistogram());
  }

  @Test
  void emptyArgumentsMeanDefaults() {
    PacketOptions o = PacketOptions.parse(null);
    assertEquals(PacketOptions.DEFAULT_PROFILE, o.profileDuration());
    assertTrue(o.outputDir().isEmpty());
  }

  @Test
  void typosAndBadValuesAreRejectedByName() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> PacketOptions.parse("outptu=/tmp")).getMessage()
        .contains("outptu"));
    assertThrows(IllegalArgumentException.class, () -> PacketOptions.parse("duration=0"));
    assertThrows(IllegalArgumentException.class, () -> PacketOptions.parse("duration=five"));
    assertThrows(IllegalArgumentException.class, () -> PacketOptions.parse("histogram=some"));
  }

  @Test
  void statusFileIsFoundEvenWhenTheRestDoesNotParse() {
    assertEquals(Paths.get("/tmp/s"), PacketOptions.statusFileIn("bogus=1,status=/tmp/s").orElseThrow());
  }
}
