package dev.supportpacket.agent.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ZipSinkTest {
  @TempDir Path dir;

  private static void addEntry(ZipSink zip) throws Exception {
    try (EntrySink.EntryOutput e = zip.begin("a.txt")) {
      OutputStream os = e.stream();
      os.write("hello".getBytes(StandardCharsets.UTF_8));
      e.commit();
    }
  }

  @Test
  void anExistingFileOfTheFinalNameIsNeverReplaced() throws Exception {
    Path finalFile = Files.writeString(dir.resolve("support-packet-app-1-20260101T000000Z.zip"), "hers");
    SealedFile sealed;
    try (ZipSink zip = ZipSink.create(finalFile, Files.createDirectory(dir.resolve("work")))) {
      addEntry(zip);
      sealed = zip.seal();
    }
    assertEquals("hers", Files.readString(finalFile));
    assertEquals(dir.resolve("support-packet-app-1-20260101T000000Z-2.zip"), sealed.path(), "ours takes the next name");
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(List.of(sealed.path().getFileName().toString(), finalFile.getFileName().toString()),
          s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList()),
          "the partial archive and the work directory are gone");
    }
  }

  @Test
  void thePartialNameIsUnpredictableAndTheSealMeasuresWhatWasWritten() throws Exception {
    Path finalFile = dir.resolve("p.zip");
    SealedFile sealed;
    try (ZipSink zip = ZipSink.create(finalFile, Files.createDirectory(dir.resolve("work")))) {
      try (Stream<Path> s = Files.list(dir)) {
        assertTrue(s.anyMatch(p -> p.getFileName().toString().matches("\\.support-packet-\\d+-\\w{6}-\\w{12}\\.part")));
      }
      addEntry(zip);
      sealed = zip.seal();
    }
    byte[] bytes = Files.readAllBytes(finalFile);
    assertEquals(bytes.length, sealed.size());
    StringBuilder hex = new StringBuilder();
    for (byte b : MessageDigest.getInstance("SHA-256").digest(bytes)) {
      hex.append(String.format("%02x", b));
    }
    assertEquals(hex.toString(), sealed.sha256());
  }
}
