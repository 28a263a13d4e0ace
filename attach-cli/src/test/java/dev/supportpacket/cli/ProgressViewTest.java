package dev.supportpacket.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressViewTest {
  @Test
  void showsMegabytesWhenThePhaseCarriesBytes() {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    ProgressView view = new ProgressView(new PrintStream(buf, true, StandardCharsets.UTF_8), false, false);
    view.phase("profile", 4);
    view.phase("heap-dump", -1, 300L * 1024 * 1024);
    assertEquals("support-packet: profile, about 4 s left\nsupport-packet: heap-dump, 300 MB\n",
        buf.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n"));
  }
}
