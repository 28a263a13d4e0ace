package dev.supportpacket.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.supportpacket.agent.sanitize.hprof.HprofReader;
import dev.supportpacket.agent.sanitize.hprof.KeyWindows;
import dev.supportpacket.it.apps.HeapSecretsApp;
import dev.supportpacket.it.apps.KeyHolderApp;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.netbeans.lib.profiler.heap.Heap;
import org.netbeans.lib.profiler.heap.HeapFactory;
import org.netbeans.lib.profiler.heap.Instance;
import org.netbeans.lib.profiler.heap.JavaClass;
import org.netbeans.lib.profiler.heap.PrimitiveArrayInstance;

/**
 * Heap dumps of a real target holding planted secrets: none of them in any byte of the decompressed dump, which still
 * parses with the target's classes and instance counts; no window of a target's RSA and AES keys in it, while an
 * independent HPROF reader still follows references from the app's object to the keys; a too-small disk is refused before anything is written; the
 * raw dump comes only on a loud option and is flagged; a size budget drops the dump.
 */
// Each test dumps, scrubs and reads back a heap; three run at once on two shared cores (see junit-platform.properties),
// which under a load of 50 and more took over the default 180 s per test.
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class HeapDumpIT {
  private static final String ACCOUNT = HeapSecretsApp.Account.class.getName();

  private static String seed() {
    return "PLANTED-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static TargetJvm start(Jdk jdk, Path dir, String seed, int ballastMb) throws Exception {
    return TargetJvm.start(jdk, HeapSecretsApp.class, dir, List.of("-Xmx128m", "-XX:+UseSerialGC"), Map.of(),
        List.of(seed, Integer.toString(ballastMb)));
  }

  private static byte[] gunzip(byte[] gz) throws IOException {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
      return in.readAllBytes();
    }
  }

  /** Each secret found in the bytes as Latin-1, UTF-8, or UTF-16 in either byte order and at either alignment. */
  private static List<String> found(byte[] bytes, List<String> secrets) {
    List<String> forms = new ArrayList<>(List.of(new String(bytes, StandardCharsets.ISO_8859_1),
        new String(bytes, StandardCharsets.UTF_8)));
    for (Charset cs : List.of(StandardCharsets.UTF_16BE, StandardCharsets.UTF_16LE)) {
      forms.add(new String(bytes, cs));
      if (bytes.length > 1) {
        forms.add(new String(bytes, 1, bytes.length - 1, cs));
      }
    }
    return secrets.stream().filter(s -> forms.stream().anyMatch(f -> f.contains(s))).collect(Collectors.toList());
  }

  /** What a packet left in a directory, less the audit trail, which belongs there (see AuditIT). */
  private static List<String> listing(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith("support-packet-audit."))
          .sorted().collect(Collectors.toList());
    }
  }

  @ParameterizedTest
  @EnumSource(Jdk.class)
  void sanitizedHeapDumpHoldsNoPlantedSecretAndStillParses(Jdk jdk, @TempDir Path dir) throws Exception {
    String seed = seed();
    List<String> secrets = new ArrayList<>(HeapSecretsApp.secrets(seed));
    secrets.add(HeapSecretsApp.LITERAL_SECRET);
    Path out = Files.createDirectory(dir.resolve("out"));
    try (TargetJvm target = start(jdk, dir, seed, 0)) {
      Cli.Result r = Cli.run(Long.toString(target.pid()), "--duration", "1", "--heap-dump", "--output", out.toString());
      assertEquals(0, r.exit, r::toString);
      PacketZip zip = new PacketZip(r.packet());
      assertTrue(zip.has("heap/heap.hprof.gz"), zip.entries().keySet()::toString);
      assertFalse(zip.has("heap/heap-UNSANITIZED.hprof.gz"));
      byte[] hprof = gunzip(zip.entries().get("heap/heap.hprof.gz"));

      assertEquals(List.of(), found(hprof, secrets), "planted secrets in the sanitized dump");
      for (Map.Entry<String, byte[]> e : zip.entries().entrySet()) {
        assertEquals(List.of(), found(e.getValue(), secrets), "planted secrets in " + e.getKey());
      }

      HprofReader heap = HprofReader.read(new ByteArrayInputStream(hprof));
      assertEquals(HeapSecretsApp.ACCOUNTS, heap.instancesByClass.get(ACCOUNT), heap.instancesByClass::toString);
      assertTrue(heap.fieldsByClass.get(ACCOUNT).containsAll(List.of("password", "pin", "key", "balance")));
      assertTrue(heap.instancesByClass.getOrDefault("java.util.HashMap", 0) >= 1);
      assertTrue(heap.instancesByClass.getOrDefault("java.lang.String", 0) > 100);

      String report = zip.text("report.txt");
      assertTrue(report.contains("stop-the-world pause"), report);
      assertTrue(report.contains("hprof-char-arrays("), report);
      assertEquals(false, zip.yaml("metadata.yaml").get("unsanitized_memory"));
      assertTrue(zip.text("README.html").contains("heap/heap.hprof.gz"));
      assertEquals(List.of(r.packet().getFileName().toString()), listing(out), "only the packet is left");
      Leftovers.assertNone(jdk, target, out);
    }
  }

  @ParameterizedTest
  @EnumSource(Jdk.class)
  void heapDumpHoldsNoKeyMaterialAndAnIndependentReaderStillFollowsTheGraph(Jdk jdk, @TempDir Path dir)
      throws Exception {
    String seed = seed();
    Path app = Files.createDirectory(dir.resolve("app"));
    Path keysFile = dir.resolve("keys.hex"); // outside the app's directory: not a file the packet would look at
    Path out = Files.createDirectory(dir.resolve("out"));
    try (TargetJvm target = TargetJvm.start(jdk, KeyHolderApp.class, app, List.of("-Xmx128m", "-XX:+UseSerialGC"),
        Map.of(), List.of(seed, keysFile.toString()))) {
      Cli.Result r = Cli.run(Long.toString(target.pid()), "--duration", "1", "--heap-dump", "--output", out.toString());
      assertEquals(0, r.exit, r::toString);
      PacketZip zip = new PacketZip(r.packet());
      byte[] gz = zip.entries().get("heap/heap.hprof.gz");
      byte[] hprof = gunzip(gz);
      String report = zip.text("report.txt");
      assertTrue(report.contains("hprof-number-arrays(") && report.contains("hprof-primitive-fields("), report);
      assertFalse(report.contains("hprof-unknown-layouts"), "every instance's class layout is in a HotSpot dump");

      Map<String, String> keys = new java.util.HashMap<>();
      for (String line : Files.readAllLines(keysFile)) {
        keys.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
      }
      KeyWindows windows = new KeyWindows().add("d", new BigInteger(keys.get("d"), 16))
          .add("p", new BigInteger(keys.get("p"), 16)).add("q", new BigInteger(keys.get("q"), 16))
          .add("aes", HexFormat.of().parseHex(keys.get("aes")));
      assertEquals(List.of(), windows.foundIn(hprof), "16-byte windows of key material in the sanitized dump");
      assertEquals(List.of(), found(hprof, List.of(KeyHolderApp.password(seed))));

      // Read by a library that shares no code with ours, from the .hprof.gz as it is in the packet.
      Path file = Files.write(dir.resolve("heap.hprof.gz"), gz);
      Heap heap = HeapFactory.createHeap(file.toFile());
      assertTrue(heap.getAllClasses().size() > 500, () -> heap.getAllClasses().size() + " classes");
      JavaClass vaultClass = heap.getJavaClassByName(KeyHolderApp.Vault.class.getName());
      assertEquals(1, vaultClass.getInstancesCount());
      Instance vault = vaultClass.getInstances().get(0);
      assertTrue(vault.getFieldValues().stream().map(f -> f.getField().getName()).collect(Collectors.toList())
          .containsAll(List.of("rsa", "aes", "cipher", "aesWord0", "aesWord1", "password")));
      assertEquals("0", String.valueOf(vault.getValueOfField("aesWord0")), "a long field holding key bytes is zeroed");

      Instance rsa = (Instance) vault.getValueOfField("rsa");
      assertTrue(rsa.getJavaClass().getName().startsWith("sun.security.rsa.RSAPrivate"), rsa.getJavaClass()::getName);
      Instance d = (Instance) rsa.getValueOfField("d");
      assertEquals("java.math.BigInteger", d.getJavaClass().getName());
      PrimitiveArrayInstance mag = (PrimitiveArrayInstance) d.getValueOfField("mag");
      assertEquals((new BigInteger(keys.get("d"), 16).bitLength() + 31) / 32, mag.getLength(), "the length stays");
      assertTrue(mag.getValues().stream().allMatch(v -> "0".equals(String.valueOf(v))), "the words go");

      Instance aes = (Instance) vault.getValueOfField("aes");
      PrimitiveArrayInstance aesBytes = (PrimitiveArrayInstance) aes.getValueOfField("key");
      assertEquals(32, aesBytes.getLength());
      assertTrue(aesBytes.getValues().stream().allMatch(v -> "42".equals(String.valueOf(v))), "'*' in the key bytes");
      assertTrue(vault.getValueOfField("cipher") instanceof Instance, "the cipher is still reached");
    }
  }

  @Test
  void tooSmallDiskIsRefusedAndNothingIsWritten(@TempDir Path dir) throws Exception {
    Path small = Files.createDirectory(dir.resolve("small"));
    // A real small filesystem: 96 MB passes the packet's 64 MB minimum, not a dump of ~45 MB of live heap.
    Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=96m", "tmpfs", small.toString())
        .redirectErrorStream(true).start();
    assertEquals(0, mount.waitFor(), () -> "mount tmpfs (the tests run as root): "
        + new String(readAll(mount), StandardCharsets.UTF_8));
    try (TargetJvm target = start(Jdk.JDK17, dir, seed(), 40)) {
      Cli.Result r = Cli.run(Long.toString(target.pid()), "--duration", "1", "--heap-dump", "--output", small.toString());
      assertEquals(7, r.exit, r::toString);
      assertTrue(r.err.contains("the heap dump needs about") && r.err.contains("nothing was written"), r::toString);
      assertEquals(List.of(), listing(small), "nothing left on the small disk");
      assertTrue(target.isAlive());
    } finally {
      new ProcessBuilder("umount", small.toString()).start().waitFor();
    }
  }

  private static byte[] readAll(Process p) {
    try {
      return p.getInputStream().readAllBytes();
    } catch (IOException e) {
      return new byte[0];
    }
  }

  @Test
  void unsanitizedDumpOnlyOnTheLoudOptionAndTheWholePacketSaysSo(@TempDir Path dir) throws Exception {
    String seed = seed();
    Path out = Files.createDirectory(dir.resolve("out"));
    try (TargetJvm target = start(Jdk.JDK17, dir, seed, 0)) {
      Cli.Result r = Cli.run(Long.toString(target.pid()), "--duration", "1",
          "--unsanitized-heap-dump-i-accept-the-risk", "--output", out.toString());
      assertEquals(0, r.exit, r::toString);
      PacketZip zip = new PacketZip(r.packet());
      assertFalse(zip.has("heap/heap.hprof.gz"));
      byte[] hprof = gunzip(zip.entries().get("heap/heap-UNSANITIZED.hprof.gz"));
      assertEquals(HeapSecretsApp.secrets(seed).subList(0, 3), found(hprof, HeapSecretsApp.secrets(seed).subList(0, 3)),
          "the raw dump is raw");
      assertEquals(true, zip.yaml("metadata.yaml").get("unsanitized_memory"));
      assertTrue(zip.text("report.txt").startsWith("WARNING: THIS PACKET HOLDS UNSANITIZED MEMORY"));
      assertTrue(zip.text("warning.txt").contains("UNSANITIZED MEMORY"));
      assertTrue(zip.text("README.html").contains("THIS PACKET HOLDS UNSANITIZED MEMORY"));
      assertEquals(List.of(r.packet().getFileName().toString()), listing(out));
    }
  }

  @Test
  void sizeBudgetLeavesTheHeapDumpOutWithAReason(@TempDir Path dir) throws Exception {
    Path out = Files.createDirectory(dir.resolve("out"));
    try (TargetJvm target = start(Jdk.JDK17, dir, seed(), 8)) {
      Cli.Result r = Cli.run(Long.toString(target.pid()), "--duration", "1", "--heap-dump", "--max-size", "1",
          "--output", out.toString());
      assertEquals(1, r.exit, r::toString);
      PacketZip zip = new PacketZip(r.packet());
      assertFalse(zip.has("heap/heap.hprof.gz"));
      assertTrue(zip.has("threads/threads.txt"), "the small entries fit");
      assertTrue(zip.text("warning.txt").contains("heap-dump skipped: entry heap/heap.hprof.gz"), zip.text("warning.txt"));
      assertTrue(zip.text("report.txt").contains("past --max-size 1.0 MB"), zip.text("report.txt"));
      assertEquals(List.of(r.packet().getFileName().toString()), listing(out));
    }
  }
}
