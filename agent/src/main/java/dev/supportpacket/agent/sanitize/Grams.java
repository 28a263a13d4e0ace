package dev.supportpacket.agent.sanitize;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds many literal strings in one pass, built for text where hits are rare. Every position's window of the last
 * {@code q} chars is hashed into an 8 KB bit set (it stays in the L1 cache) holding the first {@code q} chars of
 * each literal; only on a hit are the literals with that prefix compared. An Aho-Corasick automaton over hundreds
 * of random secrets walks a table far larger than the cache and was several times slower on logs. Immutable and
 * thread-safe.
 */
final class Grams {
  private static final int FILTER_BITS = 1 << 16;
  private static final int[] NONE = new int[0];
  private static final int BUCKETS = 1 << 12;

  private final int q;
  private final long mask;
  private final long[] filter = new long[FILTER_BITS / 64];
  /** Literals by the hash of their first q chars (low bits); each bucket is checked by its stored prefix first. */
  private final Entry[][] buckets = new Entry[BUCKETS][];
  private final int maxLength;
  private final int count;

  /** One literal with the tag bits it stands for. */
  static final class Entry {
    final String text;
    final long tags;
    final boolean ignoreCase;
    /** The first q chars, folded, as the window holds them; set when the entry is added. */
    long prefix;

    Entry(String text, long tags, boolean ignoreCase) {
      this.text = text;
      this.tags = tags;
      this.ignoreCase = ignoreCase;
    }
  }

  /**
   * @param literals the strings to find; empty ones are ignored
   * @param tags a tag bit set per literal (same order), or null
   * @param ignoreCase true to match ASCII letters regardless of case
   */
  static Grams of(List<String> literals, long[] tags, boolean ignoreCase) {
    List<Entry> entries = new ArrayList<>(literals.size());
    for (int i = 0; i < literals.size(); i++) {
      entries.add(new Entry(literals.get(i), tags == null ? 0 : tags[i], ignoreCase));
    }
    return new Grams(entries);
  }

  Grams(List<Entry> entries) {
    List<Entry> literals = new ArrayList<>();
    int min = 4;
    int max = 0;
    for (Entry e : entries) {
      if (!e.text.isEmpty()) {
        literals.add(e);
        min = Math.min(min, e.text.length());
        max = Math.max(max, e.text.length());
      }
    }
    int n = literals.size();
    this.q = min;
    this.mask = q == 4 ? -1L : (1L << (16 * q)) - 1;
    this.maxLength = max;
    this.count = n;
    Map<Integer, List<Entry>> grouped = new HashMap<>();
    for (Entry e : literals) {
      long w = 0;
      for (int j = 0; j < q; j++) {
        w = (w << 16) | squash(e.text.charAt(j));
      }
      int h = hash(w);
      filter[h >>> 6] |= 1L << h;
      Entry copy = new Entry(e.text, e.tags, e.ignoreCase);
      copy.prefix = w;
      grouped.computeIfAbsent(h & (BUCKETS - 1), k -> new ArrayList<>()).add(copy);
    }
    for (Map.Entry<Integer, List<Entry>> e : grouped.entrySet()) {
      List<Entry> list = e.getValue();
      list.sort((a, b) -> b.text.length() - a.text.length());
      buckets[e.getKey()] = list.toArray(new Entry[0]);
    }
  }

  /**
   * What the window holds for a char: bit 5 set, which lower-cases ASCII letters without a branch (an unpredictable
   * branch per char cost more than the whole hash). It merges a few other chars too ('_' and DEL, '@' and '`'): the
   * filter only gets a few more false hits, which the exact comparison then rejects.
   */
  private static int squash(int c) {
    return c | 0x20;
  }

  private static char fold(char c) {
    return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
  }

  private static int hash(long w) {
    return (int) ((w * 0x9E3779B97F4A7C15L) >>> 48);
  }

  boolean isEmpty() {
    return count == 0;
  }

  int maxLength() {
    return maxLength;
  }

  /** The OR of the tags of every literal found in {@code s}; 0 when none. */
  long tagsIn(String s) {
    if (count == 0) {
      return 0;
    }
    long found = 0;
    long w = 0;
    long[] f = filter;
    for (int i = 0, n = s.length(); i < n; i++) {
      w = ((w << 16) | squash(s.charAt(i))) & mask;
      int h = hash(w);
      if ((f[h >>> 6] & (1L << h)) != 0 && i >= q - 1) {
        Entry[] es = buckets[h & (BUCKETS - 1)];
        if (es != null) {
          int start = i - q + 1;
          for (Entry e : es) {
            if (e.prefix == w && s.regionMatches(e.ignoreCase, start, e.text, 0, e.text.length())) {
              found |= e.tags;
            }
          }
        }
      }
    }
    return found;
  }

  /**
   * Every region of {@code s} covered by a literal, as {@code [start0, end0, start1, end1, …]}, in order and not
   * overlapping: overlapping hits are merged, so that replacing the regions never leaves part of a secret behind.
   */
  int[] regionsIn(String s) {
    if (count == 0) {
      return NONE;
    }
    int[] out = NONE;
    int k = 0;
    long w = 0;
    long[] f = filter;
    for (int i = 0, n = s.length(); i < n; i++) {
      w = ((w << 16) | squash(s.charAt(i))) & mask;
      int h = hash(w);
      if ((f[h >>> 6] & (1L << h)) == 0 || i < q - 1) {
        continue;
      }
      Entry[] es = buckets[h & (BUCKETS - 1)];
      if (es == null) {
        continue;
      }
      int start = i - q + 1;
      for (Entry e : es) {
        // Longest first: the first literal that matches here covers the others with this prefix.
        if (e.prefix == w && s.regionMatches(e.ignoreCase, start, e.text, 0, e.text.length())) {
          int end = start + e.text.length();
          if (k > 0 && start < out[k - 1]) {
            out[k - 1] = Math.max(out[k - 1], end);
          } else {
            if (k == out.length) {
              out = Arrays.copyOf(out, Math.max(4, k * 2));
            }
            out[k++] = start;
            out[k++] = end;
          }
          break;
        }
      }
    }
    return k == out.length ? out : Arrays.copyOf(out, k);
  }

  /**
   * True when a literal occurs within {@code b[off, off+len)}, each byte read as one ISO-8859-1 char. A literal that
   * starts in this range and runs past its end is not seen: callers overlap their buffers by {@link #maxLength}.
   */
  boolean foundIn(byte[] b, int off, int len) {
    if (count == 0) {
      return false;
    }
    long w = 0;
    long[] f = filter;
    int end = off + len;
    for (int i = off; i < end; i++) {
      w = ((w << 16) | squash(b[i] & 0xff)) & mask;
      int h = hash(w);
      if ((f[h >>> 6] & (1L << h)) == 0 || i < off + q - 1) {
        continue;
      }
      Entry[] es = buckets[h & (BUCKETS - 1)];
      if (es == null) {
        continue;
      }
      int start = i - q + 1;
      for (Entry e : es) {
        if (e.prefix == w && start + e.text.length() <= end && bytesMatch(b, start, e)) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean bytesMatch(byte[] b, int start, Entry e) {
    String lit = e.text;
    for (int j = 0; j < lit.length(); j++) {
      char c = (char) (b[start + j] & 0xff);
      char l = lit.charAt(j);
      if (c != l && !(e.ignoreCase && fold(c) == fold(l))) {
        return false;
      }
    }
    return true;
  }

  /** True when a literal occurs within {@code b[from, to)}: the screen for one line of the streaming filter. */
  boolean foundIn(char[] b, int from, int to) {
    if (count == 0) {
      return false;
    }
    long w = 0;
    long[] f = filter;
    for (int i = from; i < to; i++) {
      w = ((w << 16) | squash(b[i])) & mask;
      int h = hash(w);
      if ((f[h >>> 6] & (1L << h)) != 0 && i >= from + q - 1 && matchesAt(b, i - q + 1, to, w, h)) {
        return true;
      }
    }
    return false;
  }

  private boolean matchesAt(char[] b, int start, int to, long w, int h) {
    Entry[] es = buckets[h & (BUCKETS - 1)];
    if (es == null) {
      return false;
    }
    for (Entry e : es) {
      String lit = e.text;
      if (e.prefix != w || start + lit.length() > to) {
        continue;
      }
      int j = 0;
      while (j < lit.length()) {
        char c = b[start + j];
        char l = lit.charAt(j);
        if (c != l && !(e.ignoreCase && fold(c) == fold(l))) {
          break;
        }
        j++;
      }
      if (j == lit.length()) {
        return true;
      }
    }
    return false;
  }
}
