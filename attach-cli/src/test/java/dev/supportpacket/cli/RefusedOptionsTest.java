package dev.supportpacket.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Options that would make the CLI give up at once while the agent still writes (a timeout of zero or less), or block
 * the packet's start in the target (a FIFO as a file to read), are refused up front.
 */
class RefusedOptionsTest {
  @ParameterizedTest
  @ValueSource(strings = {"0", "-1", "-120"})
  void refusesATimeoutBelowOneSecondBeforeTouchingAnyProcess(String timeout) {
    PrintStream saved = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit;
    try {
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      // pid 1 would be attached to (and refused for another reason) if the option were not checked first.
      exit = Main.run("1", "--timeout", timeout);
    } finally {
      System.setErr(saved);
    }
    String said = err.toString(StandardCharsets.UTF_8);
    assertEquals(ExitCode.USAGE.code, exit, said);
    assertTrue(said.contains("--timeout must be at least 1 second, not " + timeout), said);
  }

  @Test
  void refusesAFifoAsRulesFile(@TempDir Path dir) throws Exception {
    Path fifo = dir.resolve("rules.yaml");
    assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
    PrintStream saved = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit;
    try {
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      exit = Main.run("1", "--rules", fifo.toString());
    } finally {
      System.setErr(saved);
    }
    String said = err.toString(StandardCharsets.UTF_8);
    assertEquals(ExitCode.USAGE.code, exit, said);
    assertTrue(said.contains("--rules " + fifo + " is not a readable regular file"), said);
  }

  @Test
  void defaultTimeoutCoversTheProfile() throws Exception {
    PacketOptionsMixin m = new PacketOptionsMixin();
    m.duration = 30;
    assertEquals(150, m.timeout().toSeconds());
  }
}
