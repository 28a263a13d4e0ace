package dev.supportpacket.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import jdk.jfr.Recording;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PacketScannerTest {
  @TempDir Path dir;

  private Path zip(Map<String, byte[]> entries) throws IOException {
    Path z = dir.resolve("packet.zip");
    try (OutputStream os = Files.newOutputStream(z); ZipOutputStream zos = new ZipOutputStream(os)) {
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        zos.putNextEntry(new ZipEntry(e.getKey()));
        zos.write(e.getValue());
        zos.closeEntry();
      }
    }
    return z;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void listsWhatStillLooksSecretWithMaskedValues() throws IOException {
    Path z = zip(Map.of(
        "logs/app.log", utf8("ok line\nlogin password=hunter2hunter2 failed\nusing AKIAIOSFODNN7EXAMPLE\n"),
        "config.yaml", utf8("db:\n  password: '[REDACTED:3f9a2c1d]'\n  url: jdbc:postgresql://db/x\n"),
        "blob.bin", new byte[] {0, 1, 2, 's', 'k', '_', 'l', 'i', 'v', 'e', '_', '4', 'e', 'C', '3', '9', 'H', 'q', 'L',
            'y', 'j', 'W', 'D', 'a', 'r', 'j', 't', 0}));
    List<PacketScanner.Finding> found = new PacketScanner().scan(z);
    String all = found.stream().map(Object::toString).collect(Collectors.joining("\n"));
    assertEquals(3, found.size(), all);
    assertTrue(all.contains("logs/app.log line 2: assignment"), all);
    assertTrue(all.contains("logs/app.log line 3: aws-access-key-id AKIA****"), all);
    assertTrue(all.contains("blob.bin byte 3: stripe"), all);
    assertFalse(all.contains("hunter2hunter2") || all.contains("AKIAIOSFODNN7EXAMPLE") || all.contains("4eC39HqLyj"), all);
  }

  @Test
  void cleanPacketHasNoFindings() throws IOException {
    Path z = zip(Map.of("report.txt", utf8("app.log  1234  assignment=2 by-key=1 learned=3\n"),
        "threads.txt", utf8("\"worker [REDACTED:0011aabb]\" #12 daemon\n\tat com.acme.TokenService.run(TokenService.java:42)\n")));
    assertEquals(List.of(), new PacketScanner().scan(z));
  }

  @Test
  void readsEveryStringOfARecording() throws Exception {
    Path jfr = dir.resolve("r.jfr");
    Thread t = new Thread(() -> { }, "worker password=jfr-secret-name");
    try (Recording r = new Recording()) {
      r.enable("jdk.ThreadStart");
      r.start();
      t.start();
      t.join();
      r.stop();
      r.dump(jfr);
    }
    Path z = zip(Map.of("profile/cpu.jfr", Files.readAllBytes(jfr)));
    String all = new PacketScanner().scan(z).stream().map(Object::toString).collect(Collectors.joining("\n"));
    assertTrue(all.contains("profile/cpu.jfr event") && all.contains("jdk.ThreadStart") && all.contains("assignment"),
        all);
    assertFalse(all.contains("jfr-secret-name"), all);
  }

  private static byte[] gzip(byte[] raw) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(b)) {
      gz.write(raw);
    }
    return b.toByteArray();
  }

  /** The bytes of a heap dump that hold one String as a char[] (UTF-16) and one as a Latin-1 byte[]. */
  private static byte[] heapDumpHolding(String inCharArray, String inByteArray) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    DataOutputStream d = new DataOutputStream(b);
    d.write("JAVA PROFILE 1.0.2\0".getBytes(StandardCharsets.US_ASCII));
    d.writeInt(8);
    d.writeLong(0);
    d.write(new byte[] {0x1c, 0, 0, 0, 0, 0, 0, 0, 0});
    d.write(new byte[] {0x23, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, (byte) inCharArray.length(), 5});
    d.write(inCharArray.getBytes(StandardCharsets.UTF_16BE));
    d.write(new byte[] {0x23, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, (byte) inByteArray.length(), 8});
    d.write(inByteArray.getBytes(StandardCharsets.ISO_8859_1));
    return b.toByteArray();
  }

  private String scanned(Map<String, byte[]> entries) throws IOException {
    return new PacketScanner().scan(zip(entries)).stream().map(Object::toString).collect(Collectors.joining("\n"));
  }

  @Test
  void readsTextThroughGzip() throws IOException {
    String all = scanned(Map.of("logs/app.log.gz", gzip(utf8("ok\nlogin password=hunter2hunter2 failed\n"))));
    assertTrue(all.contains("logs/app.log.gz line 2: assignment"), all);
  }

  @Test
  void readsStringsOfAGzippedHeapDumpInCharAndByteArrays() throws IOException {
    byte[] dump = heapDumpHolding("password=hunter2hunter2", "key AKIAIOSFODNN7EXAMPLE");
    String all = scanned(Map.of("heap/heap.hprof.gz", gzip(dump)));
    assertTrue(all.contains("heap/heap.hprof.gz utf-16 at byte") && all.contains("assignment"), all);
    assertTrue(all.contains("aws-access-key-id"), all);
    assertFalse(all.contains("hunter2hunter2") || all.contains("AKIAIOSFODNN7EXAMPLE"), all);
  }

  @Test
  void flagsAnUnsanitizedEntryEvenWhenNothingInItLooksSecret() throws IOException {
    String all = scanned(Map.of("heap/heap-UNSANITIZED.hprof.gz", gzip(heapDumpHolding("harmless", "harmless"))));
    assertTrue(all.contains("heap/heap-UNSANITIZED.hprof.gz entry: unsanitized-entry"), all);
  }

  @Test
  void saysWhatItCouldNotRead() throws IOException {
    byte[] whole = gzip(utf8("line\n".repeat(10_000)));
    byte[] cut = Arrays.copyOf(whole, whole.length / 2);
    String all = scanned(Map.of("logs/app.log.gz", cut, "profile/cpu.jfr", utf8("not a recording")));
    assertTrue(all.contains("logs/app.log.gz entry: unreadable could not be read to its end"), all);
    assertTrue(all.contains("profile/cpu.jfr entry: unreadable"), all);
  }

  @Test
  void findsPasswordHashesOfAShadowFile() throws IOException {
    String all = scanned(Map.of("config/application.yml",
        utf8("root:$6$V0ZtkL4pyk0W$2xvF5S1ivbJmcIDnHCYSzD0P7eTE9s0x0Ajcq9hMnf3wXdWfnxmxo6mKBUvoTm4eXF:19700:0:::\n")));
    assertTrue(all.contains("config/application.yml line 1: crypt-hash"), all);
  }

  @Test
  void refusesWhatIsNotAZip() throws IOException {
    Path notZip = Files.writeString(dir.resolve("x.zip"), "hello");
    assertThrows(IOException.class, () -> new PacketScanner().scan(notZip));
  }
}
