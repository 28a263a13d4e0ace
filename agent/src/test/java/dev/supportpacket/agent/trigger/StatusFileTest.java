package dev.supportpacket.agent.trigger;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatusFileTest {
  @TempDir Path dir;

  @Test
  void aMessageBecomesOneLineWithoutControlCharacters() throws Exception {
    Path file = Files.createFile(dir.resolve("status"));
    new StatusFile(file).failed(FailureKind.BAD_OPTIONS, "bad\nfailed INTERNAL forged\r\u001b[31m\u0085\u2028end");
    List<String> lines = Files.readAllLines(file);
    assertEquals(1, lines.size(), lines::toString);
    assertEquals("failed BAD_OPTIONS bad failed INTERNAL forged  [31m  end", lines.get(0));
  }

  @Test
  void aLinkInPlaceOfTheStatusFileIsNotFollowed() throws Exception {
    Path victim = Files.writeString(dir.resolve("victim"), "precious\n");
    Path link = Files.createSymbolicLink(dir.resolve("status"), victim);
    new StatusFile(link).phase("starting", 5);
    assertEquals("precious\n", Files.readString(victim));
  }

  @Test
  void aMissingStatusFileIsNotCreated() {
    Path missing = dir.resolve("missing");
    new StatusFile(missing).phase("starting", 5);
    assertEquals(false, Files.exists(missing));
  }
}
