package dev.supportpacket.agent.sanitize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** The state the agent hands the attach CLI, so that a recording rewritten there is scrubbed as in the target. */
class SanitizerStateTest {
  private static final String LEARNED = "Learned-Only-In-The-Target-5";

  @Test
  void theRestoredSanitizerMakesTheSameTokensAndScrubsWhatTheExporterLearned() throws IOException {
    Sanitizer agent = Sanitizer.withRandomKey();
    agent.learn("db.password", LEARNED);
    Sanitizer cli = Sanitizer.restore(SanitizerSettings.defaults(), new ByteArrayInputStream(state(agent)));

    String line = "thread worker " + LEARNED + " token=abcdefghijklmnop1234";
    assertEquals(agent.forEntry("a").text(line), cli.forEntry("a").text(line));
    assertFalse(cli.forEntry("a").text(line).contains(LEARNED));
    assertEquals(agent.token("anything"), cli.token("anything"));
    assertTrue(cli.learnedSecrets().contains(LEARNED));
    // Without the state, another key: the tokens would not match the rest of the packet.
    assertNotEquals(agent.token("anything"), Sanitizer.withRandomKey().token("anything"));
  }

  @Test
  void whatIsNoStateIsRefusedWithoutReadingItAll() {
    assertThrows(IOException.class, () -> Sanitizer.restore(SanitizerSettings.defaults(),
        new ByteArrayInputStream("root:$6$salt$hash:19000:0:99999:7:::\n".getBytes())));
    // A length far beyond any state (2 GB of key) is refused before anything is allocated for it.
    byte[] huge = ByteBuffer.allocate(8).putInt(0x53505331).putInt(Integer.MAX_VALUE).array();
    assertThrows(IOException.class, () -> Sanitizer.restore(SanitizerSettings.defaults(),
        new ByteArrayInputStream(huge)));
  }

  private static byte[] state(Sanitizer s) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    s.exportState(out);
    return out.toByteArray();
  }
}
