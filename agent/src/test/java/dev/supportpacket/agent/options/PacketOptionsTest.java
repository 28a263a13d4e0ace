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
  void includedPathsSurviveTheTripAndAreTheOperatorsOnly() {
    PacketOptions o = PacketOptions.builder()
        .includes(java.util.List.of(Paths.get("/etc/app,x=1"), Paths.get("/opt/app/conf"))).build();
    PacketOptions back = PacketOptions.parse(o.toAgentArgs());
    assertEquals(java.util.List.of(Paths.get("/etc/app,x=1"), Paths.get("/opt/app/conf")), back.includes());
    assertEquals(java.util.List.of(Paths.get("/a"), Paths.get("/b")), PacketOptions.parse("include=/a:/b").includes());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> PacketOptions.builder()
        .includes(java.util.List.of(Paths.get("/a:b"))).build()).getMessage().startsWith("include "));
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

  @Test
  void signalAndMinIntervalDefaultToUrgAndOneMinute() {
    PacketOptions o = PacketOptions.parse("");
    assertEquals("URG", o.signal());
    assertEquals(Duration.ofSeconds(60), o.minInterval());
  }

  @Test
  void signalIsNamedWithOrWithoutSigInAnyCaseOrTurnedOff() {
    assertEquals("WINCH", PacketOptions.parse("signal=SIGwinch").signal());
    assertEquals("URG", PacketOptions.parse("signal=urg").signal());
    assertEquals(PacketOptions.SIGNAL_OFF, PacketOptions.parse("signal=OFF").signal());
    assertEquals(Duration.ZERO, PacketOptions.parse("minInterval=0").minInterval());
  }

  @Test
  void signalsTheJvmReliesOnAreRefused() {
    for (String s : new String[] {"USR2", "SIGQUIT", "term", "INT", "HUP", "KILL"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PacketOptions.parse("signal=" + s));
      assertTrue(e.getMessage().contains("belongs to the JVM"), e.getMessage());
    }
    assertThrows(IllegalArgumentException.class, () -> PacketOptions.parse("signal=12"));
    assertThrows(IllegalArgumentException.class, () -> PacketOptions.parse("minInterval=-1"));
    assertThrows(IllegalArgumentException.class, () -> PacketOptions.parse("minInterval=soon"));
  }

  @Test
  void optionsGivenOnTopOfDefaultsKeepTheDefaultsNotGiven() {
    PacketOptions agent = PacketOptions.parse("output=/var/packets,duration=30,signal=WINCH,minInterval=5");
    PacketOptions jmx = PacketOptions.forTrigger("duration=1", agent, "jmx");
    assertEquals(Paths.get("/var/packets"), jmx.outputDir().orElseThrow());
    assertEquals(Duration.ofSeconds(1), jmx.profileDuration());
    assertEquals("WINCH", jmx.signal());
    assertEquals(Duration.ofSeconds(5), jmx.minInterval());
    assertEquals(agent.toAgentArgs(), PacketOptions.parse(agent.toAgentArgs()).toAgentArgs(), "round trip");
  }
}
