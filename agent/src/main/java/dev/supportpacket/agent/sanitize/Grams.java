package dev.supportpacket.agent.sanitize;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds many literal strings in one pass, built for text where hits are rare. Each char is folded to its low 5 bits
 * (which also folds ASCII case), and the window of the last {@code q <= 3} folded chars indexes a 4 KB bit set (it
 * stays in the L1 cache) that marks the first {@code q} chars of each literal; only on a hit are the literals with
 * that prefix compared. Folding merges other chars too (digits with some letters, punctuation with control chars):
 * the filter only gets a few more false hits, which the exact comparison rejects. A multiply-hashed window cost about
 * twice as much per char, and an Aho-Corasick automaton over hundreds of random secrets walks a table far larger than
 * the cache and was several times slower on logs. Immutable and thread-safe.
 */
final class Grams {
  private static final int MAX_Q = 3;
  private static final int[] NONE = new int[0];
  private static final int BUCKETS = 1 << 12;

  private final int q;
  private final int mask;
  private final long[] filter = new long[(1 << (5 * MAX_Q)) / 64];
  /** Literals by the low bits of their folded first q chars; each bucket is checked by its stored prefix first. */
  private final Entry[][] buckets = new Entry[BUCKETS][];
  private final int maxLength;
  private final int count;

  /** One literal with the tag bits it stands for. */
  static final class Entry {
    final String text;
    final long tags;
    final boolean ignoreCase;
    /** The first q chars, folded, as the window holds them; set when the entry is added. */
    int prefix;

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
    int min = MAX_Q;
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
    this.mask = (1 << (5 * q)) - 1;
    this.maxLength = max;
    this.count = n;
    Map<Integer, List<Entry>> grouped = new HashMap<>();
    for (Entry e : literals) {
      int gram = 0;
      for (int j = 0; j < q; j++) {
        gram = (gram << 5) | fold5(e.text.charAt(j));
      }
      filter[gram >>> 6] |= 1L << gram;
      Entry copy = new Entry(e.text, e.tags, e.ignoreCase);
      copy.prefix = gram;
      grouped.computeIfAbsent(gram & (BUCKETS - 1), k -> new ArrayList<>()).add(copy);
    }
    for (Map.Entry<Integer, List<Entry>> e : grouped.entrySet()) {
      List<Entry> list = e.getValue();
      list.sort((a, b) -> b.text.length() - a.text.length());
      buckets[e.getKey()] = list.toArray(new Entry[0]);
    }
  }

  /** What the window holds for a char: its low 5 bits, the same for an ASCII letter in either case, no branch. */
  private static int fold5(int c) {
    return c & 31;
  }

  private static char fold(char c) {
    return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
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
    int window = 0;
    long[] f = filter;
    for (int i = 0, n = s.length(); i < n; i++) {
      window = (window << 5) | fold5(s.charAt(i));
      int gram = window & mask;
      if ((f[gram >>> 6] & (1L << gram)) != 0 && i >= q - 1) {
        Entry[] es = buckets[gram & (BUCKETS - 1)];
        if (es != null) {
          int start = i - q + 1;
          for (Entry e : es) {
            if (e.prefix == gram && s.regionMatches(e.ignoreCase, start, e.text, 0, e.text.length())) {
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
    int window = 0;
    long[] f = filter;
    for (int i = 0, n = s.length(); i < n; i++) {
      window = (window << 5) | fold5(s.charAt(i));
      int gram = window & mask;
      if ((f[gram >>> 6] & (1L << gram)) == 0 || i < q - 1) {
        continue;
      }
      Entry[] es = buckets[gram & (BUCKETS - 1)];
      if (es == null) {
        continue;
      }
      int start = i - q + 1;
      for (Entry e : es) {
        // Longest first: the first literal that matches here covers the others with this prefix.
        if (e.prefix == gram && s.regionMatches(e.ignoreCase, start, e.text, 0, e.text.length())) {
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
   * True when a literal occurs within {@code b[off, off+len)}. A literal that starts in this range and runs past its
   * end is not seen: callers overlap their buffers by {@link #maxLength}.
   */
  boolean foundIn(char[] b, int off, int len) {
    int end = off + len;
    for (int i = nextCandidate(b, off, end); i < end; i = nextCandidate(b, i - q + 2, end)) {
      if (matchesAt(b, i - q + 1, end)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The end of the whole lines at the start of {@code b[from, to)} that hold no literal: {@code from} when the first
   * line holds one, else the index after the '\n' of the last clean line before the first line that holds one (or
   * that has no '\n' before {@code to}). The streaming filter's screen: one pass over a whole buffer, no call per
   * line. A literal is seen when it starts in a line and ends before {@code to}, even past that line's end (only a
   * literal holding '\n' can, and it then marks one line too many: never one too few).
   */
  int endOfCleanLines(char[] b, int from, int to) {
    for (int i = nextCandidate(b, from, to); i < to; i = nextCandidate(b, i - q + 2, to)) {
      int start = i - q + 1;
      if (matchesAt(b, start, to)) {
        return lineStart(b, from, start);
      }
    }
    return lineStart(b, from, to);
  }

  /** The index after the last '\n' in {@code b[from, before)}, or {@code from}. */
  private static int lineStart(char[] b, int from, int before) {
    for (int i = before - 1; i >= from; i--) {
      if (b[i] == '\n') {
        return i + 1;
      }
    }
    return from;
  }

  /**
   * The hot loop: the first index from {@code from + q - 1} on where the q chars ending there fold to the first chars
   * of some literal, or {@code to}. Nothing else is in it: with the comparison inlined into the loop, the JIT made the
   * loop run at half the speed.
   */
  private int nextCandidate(char[] b, int from, int to) {
    int window = 0;
    long[] f = filter;
    for (int i = from; i < to; i++) {
      window = (window << 5) | fold5(b[i]);
      int gram = window & mask;
      if ((f[gram >>> 6] & (1L << gram)) != 0 && i >= from + q - 1) {
        return i;
      }
    }
    return to;
  }

  /** Whether a literal starts at {@code b[start]} and ends by {@code to}. */
  private boolean matchesAt(char[] b, int start, int to) {
    int gram = 0;
    for (int j = 0; j < q; j++) {
      gram = (gram << 5) | fold5(b[start + j]);
    }
    Entry[] es = buckets[gram & (BUCKETS - 1)];
    if (es == null) {
      return false;
    }
    for (Entry e : es) {
      if (e.prefix == gram && start + e.text.length() <= to && charsMatch(b, start, e)) {
        return true;
      }
    }
    return false;
  }

  private static boolean charsMatch(char[] b, int start, Entry e) {
    String lit = e.text;
    for (int j = 0; j < lit.length(); j++) {
      char c = b[start + j];
      char l = lit.charAt(j);
      if (c != l && !(e.ignoreCase && fold(c) == fold(l))) {
        return false;
      }
    }
    return true;
  }
}
