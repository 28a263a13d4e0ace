package dev.supportpacket.agent.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.supportpacket.agent.sanitize.Sanitizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PacketFinalCheckTest {
  private final Sanitizer sanitizer = Sanitizer.withRandomKey();
  private final MemorySink sink = new MemorySink();
  private final Packet packet = new Packet(sanitizer, sink);

  @Test
  void rescrubsTextThatHoldsASecretLearnedWhileItWasWritten() throws IOException {
    packet.addText("app.log", w -> {
      w.write("connected as svc-orders with s3cr3t-learned-late\n");
      // Another collector learns the value only now, after the line passed the filter.
      sanitizer.learnLiteral("s3cr3t-learned-late");
      w.write("done\n");
    });
    String text = sink.text("app.log");
    assertFalse(text.contains("s3cr3t-learned-late"), text);
    assertTrue(text.contains(sanitizer.token("s3cr3t-learned-late")), text);
    assertTrue(text.endsWith("done\n"), text);
    EntryRecord r = packet.entries().get(0);
    assertEquals(1, r.redactions.get(Packet.FINAL_CHECK));
    assertEquals(text.getBytes(StandardCharsets.UTF_8).length, r.bytes);
  }

  @Test
  void commitsCleanTextUntouched() throws IOException {
    sanitizer.learnLiteral("never-written-secret");
    packet.addText("app.log", w -> w.write("hello\n"));
    assertEquals("hello\n", sink.text("app.log"));
    assertEquals(Map.of(), packet.entries().get(0).redactions);
  }

  @Test
  void dropsBinaryThatStillHoldsALearnedSecret(@TempDir Path dir) throws IOException {
    sanitizer.learnLiteral("binary-held-secret");
    Path src = Files.write(dir.resolve("x.bin"), new byte[] {1, 2, 'b', 'i', 'n', 'a', 'r', 'y', '-', 'h', 'e', 'l',
        'd', '-', 's', 'e', 'c', 'r', 'e', 't', 0});
    IOException e = assertThrows(IOException.class,
        () -> packet.addBinary("x.bin", (source, out, text) -> Files.copy(source, out), src));
    assertTrue(e.getMessage().contains("x.bin") && !e.getMessage().contains("binary-held-secret"), e.getMessage());
    assertNull(sink.entries().get("x.bin"));
    assertTrue(packet.entries().isEmpty());
  }

  @Test
  void zipSinkRereadsWhatWasWritten(@TempDir Path dir) throws IOException {
    Path scratch = Files.createDirectory(dir.resolve("work"));
    try (ZipSink zip = ZipSink.create(dir.resolve("p.zip"), scratch)) {
      Packet p = new Packet(sanitizer, zip);
      p.addText("a.txt", w -> {
        w.write("token in a thread name: worker-zz-secret-99\n");
        sanitizer.learnLiteral("worker-zz-secret-99");
      });
      assertEquals(1, p.entries().get(0).redactions.get(Packet.FINAL_CHECK));
      zip.seal();
    }
    byte[] zipBytes = Files.readAllBytes(dir.resolve("p.zip"));
    assertFalse(new String(zipBytes, StandardCharsets.ISO_8859_1).contains("worker-zz-secret-99"));
  }
}
