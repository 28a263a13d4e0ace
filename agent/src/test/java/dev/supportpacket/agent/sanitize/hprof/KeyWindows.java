package dev.supportpacket.agent.sanitize.hprof;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Every 16-byte window of secret numbers (a key's private exponent, its primes, an AES key) in every layout a heap
 * may hold them in, and which of them a dump contains. HPROF writes each array element and field big-endian, so a
 * number shows as its big-endian bytes (byte[], a BigInteger's int[], most-significant word first) or with its
 * words in reverse order (int or long limbs, least significant first, as some providers keep them); the words'
 * own bytes reversed and the whole number reversed (a little-endian byte[]) are searched too.
 */
public final class KeyWindows {
  public static final int WIDTH = 16;

  private final List<String> names = new ArrayList<>();
  private final List<byte[]> windows = new ArrayList<>();
  private final List<Integer> owners = new ArrayList<>();

  /** Adds the windows of a non-negative number (its magnitude, without a sign byte). */
  public KeyWindows add(String name, BigInteger n) {
    byte[] b = n.toByteArray();
    return add(name, b[0] == 0 ? Arrays.copyOfRange(b, 1, b.length) : b);
  }

  /** Adds the windows of a big-endian byte string such as an AES key, at least 16 bytes. */
  public KeyWindows add(String name, byte[] bigEndian) {
    if (bigEndian.length < WIDTH) {
      throw new IllegalArgumentException(name + " is shorter than a window");
    }
    int owner = names.size();
    names.add(name);
    // Padded at the front to whole longs, as a magnitude in int or long words is.
    byte[] padded = new byte[(bigEndian.length + 7) / 8 * 8];
    System.arraycopy(bigEndian, 0, padded, padded.length - bigEndian.length, bigEndian.length);
    Set<String> forms = new LinkedHashSet<>();
    for (int word : new int[] {1, 4, 8}) {
      for (boolean leastFirst : new boolean[] {false, true}) {
        for (boolean littleEndianWords : new boolean[] {false, true}) {
          forms.add(latin1(layout(padded, word, leastFirst, littleEndianWords)));
        }
      }
    }
    for (String form : forms) {
      byte[] f = form.getBytes(StandardCharsets.ISO_8859_1);
      for (int i = 0; i + WIDTH <= f.length; i++) {
        byte[] w = Arrays.copyOfRange(f, i, i + WIDTH);
        if (nonZeroBytes(w) >= WIDTH / 2) { // a window mostly of the padding's zeros proves nothing
          windows.add(w);
          owners.add(owner);
        }
      }
    }
    return this;
  }

  /** The names of the numbers of which at least one window occurs in {@code haystack}, in the order added. */
  public List<String> foundIn(byte[] haystack) {
    long[] prefixes = new long[windows.size()];
    Integer[] order = new Integer[windows.size()];
    for (int i = 0; i < prefixes.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Long.compare(prefix(windows.get(a)), prefix(windows.get(b))));
    for (int i = 0; i < order.length; i++) {
      prefixes[i] = prefix(windows.get(order[i]));
    }
    boolean[] found = new boolean[names.size()];
    ByteBuffer hay = ByteBuffer.wrap(haystack);
    for (int at = 0; at + WIDTH <= haystack.length; at++) {
      int k = Arrays.binarySearch(prefixes, hay.getLong(at));
      if (k < 0) {
        continue;
      }
      while (k > 0 && prefixes[k - 1] == prefixes[k]) {
        k--;
      }
      for (; k < prefixes.length && prefixes[k] == hay.getLong(at); k++) {
        byte[] w = windows.get(order[k]);
        if (Arrays.equals(w, 0, WIDTH, haystack, at, at + WIDTH)) {
          found[owners.get(order[k])] = true;
        }
      }
    }
    List<String> hits = new ArrayList<>();
    for (int i = 0; i < found.length; i++) {
      if (found[i]) {
        hits.add(names.get(i));
      }
    }
    return hits;
  }

  /** The names added, in order: what {@link #foundIn} returns for a dump that holds all of them. */
  public List<String> names() {
    return List.copyOf(names);
  }

  private static byte[] layout(byte[] padded, int word, boolean leastFirst, boolean littleEndianWords) {
    int words = padded.length / word;
    byte[] out = new byte[padded.length];
    for (int i = 0; i < words; i++) {
      int from = (leastFirst ? words - 1 - i : i) * word;
      for (int j = 0; j < word; j++) {
        out[i * word + j] = padded[from + (littleEndianWords ? word - 1 - j : j)];
      }
    }
    return out;
  }

  private static long prefix(byte[] w) {
    return ByteBuffer.wrap(w).getLong(0);
  }

  private static int nonZeroBytes(byte[] w) {
    int n = 0;
    for (byte b : w) {
      n += b != 0 ? 1 : 0;
    }
    return n;
  }

  private static String latin1(byte[] b) {
    return new String(b, StandardCharsets.ISO_8859_1);
  }
}
