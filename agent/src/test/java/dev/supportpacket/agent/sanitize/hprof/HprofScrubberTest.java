package dev.supportpacket.agent.sanitize.hprof;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.HotSpotDiagnosticMXBean;
import dev.supportpacket.agent.packet.MemorySink;
import dev.supportpacket.agent.packet.Packet;
import dev.supportpacket.agent.sanitize.Sanitizer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateCrtKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real dump of this test JVM, holding planted secrets, through the scrubber and back through our own reader. */
class HprofScrubberTest {
  // Built at run time, so that no class file holds them as a literal (a literal is a symbol: see the next test).
  static final String FIELD_SECRET = "fieldpw-" + "PLANTED-" + Long.toHexString(System.nanoTime());
  static final String CHARS_SECRET = "charspw-" + "PLANTED-" + Integer.toHexString(7 * 1234);
  static final String BYTES_SECRET = "bytespw-" + "PLANTED-" + Integer.toHexString(31 * 4321);
  static final String LIST_SECRET = "listpw-" + "PLANTED-" + Integer.toHexString(17 * 999);
  static final String UTF16_SECRET = "utf16pw-\u20ac-" + "PLANTED-" + Integer.toHexString(3 * 777);
  /** A compile-time constant: javac puts it in the constant pool, HotSpot in its symbol table, the dump in a UTF8. */
  static final String LITERAL_SECRET = "literalpw-PLANTED-c0ffee";

  static Holder holder;
  static Path dir;
  static Path raw;

  /** The planted objects: 3 holders, to count. */
  static final class Holder {
    final String password;
    final char[] chars;
    final byte[] bytes;
    final List<String> list;
    final String utf16;
    final int answer = 42;

    Holder(String password, List<String> list) {
      this.password = password;
      this.chars = CHARS_SECRET.toCharArray();
      this.bytes = BYTES_SECRET.getBytes(StandardCharsets.UTF_8);
      this.list = list;
      this.utf16 = UTF16_SECRET;
    }
  }

  /**
   * Key material as a heap holds it: an RSA private key (BigIntegers: int[] magnitudes), an AES key (byte[]) and a
   * cipher initialised with it (its expanded key in int[]), the private exponent as long limbs least significant
   * first (as some providers keep numbers), and the AES key in two long fields (as a cipher's state may keep it).
   */
  static final class KeyHolder {
    final RSAPrivateCrtKey rsa;
    final SecretKey aes;
    final Cipher cipher;
    final long[] limbs;
    final long keyHigh;
    final long keyLow;

    KeyHolder() throws GeneralSecurityException {
      KeyPairGenerator rsaGen = KeyPairGenerator.getInstance("RSA");
      rsaGen.initialize(2048);
      this.rsa = (RSAPrivateCrtKey) rsaGen.generateKeyPair().getPrivate();
      KeyGenerator aesGen = KeyGenerator.getInstance("AES");
      aesGen.init(256);
      this.aes = aesGen.generateKey();
      this.cipher = Cipher.getInstance("AES/ECB/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, aes);
      cipher.update(new byte[16]); // the expanded key is made on first use
      long[] words = new long[(rsa.getPrivateExponent().bitLength() + 63) / 64];
      for (int i = 0; i < words.length; i++) {
        words[i] = rsa.getPrivateExponent().shiftRight(64 * i).longValue();
      }
      this.limbs = words;
      ByteBuffer key = ByteBuffer.wrap(aes.getEncoded());
      this.keyHigh = key.getLong();
      this.keyLow = key.getLong();
    }

    KeyWindows windows() {
      byte[] aesFirst16 = Arrays.copyOf(aes.getEncoded(), 16);
      return new KeyWindows().add("d", rsa.getPrivateExponent()).add("p", rsa.getPrimeP())
          .add("q", rsa.getPrimeQ()).add("aes", aes.getEncoded()).add("aes-in-long-fields", aesFirst16);
    }
  }

  static KeyHolder keys;

  static final List<Holder> HOLDERS = new ArrayList<>();

  @BeforeAll
  static void dump(@TempDir Path tmp) throws IOException {
    dir = tmp;
    for (int i = 0; i < 3; i++) {
      HOLDERS.add(new Holder(FIELD_SECRET, new ArrayList<>(List.of("plain", LIST_SECRET))));
    }
    try {
      keys = new KeyHolder();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    raw = tmp.resolve("test.hprof");
    ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).dumpHeap(raw.toString(), true);
  }

  private static byte[] scrub(Path source) throws IOException {
    MemorySink sink = new MemorySink();
    Packet packet = new Packet(Sanitizer.withRandomKey(), sink);
    packet.addBinary("heap/heap.hprof.gz", new HprofScrubber(n -> {}), source);
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(sink.entries().get("heap/heap.hprof.gz")))) {
      return in.readAllBytes();
    }
  }

  private static List<String> found(byte[] bytes, List<String> secrets) {
    String latin1 = new String(bytes, StandardCharsets.ISO_8859_1);
    // char[] is big-endian in HPROF; a String's UTF-16 byte[] is in the machine's order (little-endian on x86)
    List<String> forms = new ArrayList<>(List.of(latin1, new String(bytes, StandardCharsets.UTF_8)));
    for (java.nio.charset.Charset cs : List.of(StandardCharsets.UTF_16BE, StandardCharsets.UTF_16LE)) {
      forms.add(new String(bytes, cs));
      forms.add(new String(bytes, 1, bytes.length - 1, cs));
    }
    List<String> hits = new ArrayList<>();
    for (String s : secrets) {
      if (forms.stream().anyMatch(f -> f.contains(s))) {
        hits.add(s);
      }
    }
    return hits;
  }

  private static final List<String> SECRETS =
      List.of(FIELD_SECRET, CHARS_SECRET, BYTES_SECRET, LIST_SECRET, UTF16_SECRET, LITERAL_SECRET);

  @Test
  void plantedSecretsAreInTheRawDumpAndNotInTheScrubbedOne() throws IOException {
    byte[] before = Files.readAllBytes(raw);
    // The test proves something only if the raw dump holds every one of them.
    assertEquals(SECRETS, found(before, SECRETS));

    byte[] after = scrub(raw);
    assertEquals(List.of(), found(after, SECRETS));
    assertEquals(before.length, after.length, "every record keeps its size");
  }

  @Test
  void scrubbedDumpParsesWithTheSameClassesCountsAndNames() throws IOException {
    HprofReader before;
    try (InputStream in = Files.newInputStream(raw)) {
      before = HprofReader.read(in);
    }
    HprofReader after = HprofReader.read(new ByteArrayInputStream(scrub(raw)));
    assertEquals(before.instancesByClass, after.instancesByClass);
    assertEquals(before.primitiveArrays, after.primitiveArrays);
    assertEquals(before.fieldsByClass, after.fieldsByClass, "field names stay");
    String holder = Holder.class.getName();
    assertEquals(3, after.instancesByClass.get(holder), after.instancesByClass.keySet().toString());
    assertEquals(new java.util.TreeSet<>(List.of("password", "chars", "bytes", "list", "utf16", "answer")),
        new java.util.TreeSet<>(after.fieldsByClass.get(holder)));
    assertTrue(after.instancesByClass.getOrDefault("java.util.ArrayList", 0) >= 3);
  }

  @Test
  void keyMaterialIsInTheRawDumpAndNotInTheScrubbedOne() throws IOException {
    KeyWindows windows = keys.windows();
    // The test proves something only if the raw dump holds every one of them, in arrays and in fields.
    assertEquals(windows.names(), windows.foundIn(Files.readAllBytes(raw)));
    assertEquals(List.of(), windows.foundIn(scrub(raw)));
  }

  @Test
  void bytesChangeOnlyIntoTheFills() throws IOException {
    byte[] after = scrub(raw);
    byte[] before = Files.readAllBytes(raw);
    int diffs = 0;
    for (int i = 0; i < before.length; i++) {
      if (before[i] != after[i] && after[i] != '*' && after[i] != 0) {
        diffs++;
      }
    }
    assertEquals(0, diffs, "bytes changed only into the '*' or zero fill");
  }

  @Test
  void referencesAndArrayLengthsStayWhileTheirValuesGo() throws IOException {
    HprofReader before;
    try (InputStream in = Files.newInputStream(raw)) {
      before = HprofReader.read(in);
    }
    HprofReader after = HprofReader.read(new ByteArrayInputStream(scrub(raw)));
    assertEquals(before.referenceCount, after.referenceCount, "every reference of instances, statics and arrays");
    assertEquals(before.referenceDigest, after.referenceDigest, "each from the same place to the same object");
    assertEquals(before.arrayLengthDigest, after.arrayLengthDigest);
    assertTrue(after.referenceCount > 10_000, () -> "references read: " + after.referenceCount);
    assertTrue(before.nonZeroNumbers > 0);
    assertEquals(0, after.nonZeroNumbers, "no non-zero primitive value in fields or number arrays");
  }

  @Test
  void somethingNotHprofIsRefusedAndNothingWritten() throws IOException {
    Path junk = Files.writeString(dir.resolve("junk.hprof"), "JAVA PROFILE 9\0not really");
    MemorySink sink = new MemorySink();
    Packet packet = new Packet(Sanitizer.withRandomKey(), sink);
    assertThrows(IOException.class, () -> packet.addBinary("heap/heap.hprof.gz", new HprofScrubber(n -> {}), junk));
    assertFalse(sink.entries().containsKey("heap/heap.hprof.gz"));
  }

  @Test
  void truncatedDumpIsRefused() throws IOException {
    byte[] whole = Files.readAllBytes(raw);
    Path cut = Files.write(dir.resolve("cut.hprof"), java.util.Arrays.copyOf(whole, whole.length / 2));
    MemorySink sink = new MemorySink();
    Packet packet = new Packet(Sanitizer.withRandomKey(), sink);
    assertThrows(IOException.class, () -> packet.addBinary("heap/heap.hprof.gz", new HprofScrubber(n -> {}), cut));
    assertFalse(sink.entries().containsKey("heap/heap.hprof.gz"));
  }

  @Test
  void finalCheckLooksThroughGzip() throws IOException {
    // A scrubber that lets a learned secret through: the packet's final check must see it inside the gzip.
    Sanitizer sanitizer = Sanitizer.withRandomKey();
    sanitizer.learnLiteral(FIELD_SECRET);
    MemorySink sink = new MemorySink();
    Packet packet = new Packet(sanitizer, sink);
    IOException e = assertThrows(IOException.class, () -> packet.addBinary("x/leaky.bin.gz", (src, out, text) -> {
      ByteArrayOutputStream plain = new ByteArrayOutputStream();
      plain.write(("padding " + FIELD_SECRET).getBytes(StandardCharsets.UTF_8));
      try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(out) {
        @Override
        public void close() throws IOException {
          finish();
        }
      }) {
        gz.write(plain.toByteArray());
      }
    }, raw));
    assertTrue(e.getMessage().contains("learned secret"), e::getMessage);
    assertEquals(Map.of(), sink.entries());
  }
}
