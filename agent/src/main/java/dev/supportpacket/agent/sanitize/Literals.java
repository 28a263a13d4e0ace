package dev.supportpacket.agent.sanitize;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds many literal strings in one pass (Aho-Corasick, compiled to a table-driven automaton). Used three ways: the
 * cheap keyword pre-check that decides which pattern rules a line needs, the learned secrets scrubbed from every
 * entry, and the final check over an entry's raw bytes. One regex alternation of hundreds of literals backtracks at
 * every position; this reads each char once. Immutable and thread-safe once built.
 */
final class Literals {
  private static final int[] NO_HITS = new int[0];

  private final boolean foldCase;
  /** Char class of each ASCII char; class 0 is "in no literal". */
  private final int[] ascii = new int[128];
  /** Char class of the few non-ASCII chars that occur in literals. */
  private final Map<Character, Integer> other = new HashMap<>();
  private final int classes;
  /** next[state * classes + class]: the next state. */
  private final int[] next;
  /** Per state: the longest literal ending here, 0 when none. */
  private final int[] longest;
  /** Per state: the OR of the tags of every literal ending here. */
  private final long[] tags;
  private final int literalCount;

  /**
   * @param literals non-empty strings; empty ones are ignored
   * @param literalTags a tag bit set per literal (same order), or null; {@link #tagsIn} ORs the tags of the hits
   * @param foldCase true to match ASCII letters regardless of case
   */
  Literals(List<String> literals, long[] literalTags, boolean foldCase) {
    this.foldCase = foldCase;
    int cls = 1;
    for (String lit : literals) {
      for (int i = 0; i < lit.length(); i++) {
        char c = fold(lit.charAt(i));
        if (c < 128) {
          if (ascii[c] == 0) {
            ascii[c] = cls++;
          }
        } else if (!other.containsKey(c)) {
          other.put(c, cls++);
        }
      }
    }
    if (foldCase) {
      for (char c = 'A'; c <= 'Z'; c++) {
        ascii[c] = ascii[c + 32];
      }
    }
    this.classes = cls;
    // Trie first (goto function), then breadth-first failure links turned into full transitions.
    List<int[]> go = new ArrayList<>();
    List<Integer> depth = new ArrayList<>();
    List<Integer> term = new ArrayList<>();
    List<Long> tag = new ArrayList<>();
    go.add(newRow(cls));
    depth.add(0);
    term.add(0);
    tag.add(0L);
    int count = 0;
    for (int li = 0; li < literals.size(); li++) {
      String lit = literals.get(li);
      if (lit.isEmpty()) {
        continue;
      }
      count++;
      int s = 0;
      for (int i = 0; i < lit.length(); i++) {
        int c = classOf(lit.charAt(i));
        if (go.get(s)[c] < 0) {
          go.get(s)[c] = go.size();
          go.add(newRow(cls));
          depth.add(depth.get(s) + 1);
          term.add(0);
          tag.add(0L);
        }
        s = go.get(s)[c];
      }
      term.set(s, Math.max(term.get(s), lit.length()));
      tag.set(s, tag.get(s) | (literalTags == null ? 0L : literalTags[li]));
    }
    this.literalCount = count;
    int n = go.size();
    int[] fail = new int[n];
    int[] table = new int[n * cls];
    int[] lng = new int[n];
    long[] tg = new long[n];
    ArrayDeque<Integer> queue = new ArrayDeque<>();
    for (int c = 0; c < cls; c++) {
      int t = go.get(0)[c];
      if (t < 0) {
        table[c] = 0;
      } else {
        table[c] = t;
        fail[t] = 0;
        queue.add(t);
      }
    }
    lng[0] = 0;
    while (!queue.isEmpty()) {
      int s = queue.poll();
      lng[s] = Math.max(term.get(s), lng[fail[s]]);
      tg[s] = tag.get(s) | tg[fail[s]];
      for (int c = 0; c < cls; c++) {
        int t = go.get(s)[c];
        if (t < 0) {
          table[s * cls + c] = table[fail[s] * cls + c];
        } else {
          fail[t] = table[fail[s] * cls + c];
          table[s * cls + c] = t;
          queue.add(t);
        }
      }
    }
    this.next = table;
    this.longest = lng;
    this.tags = tg;
  }

  private static int[] newRow(int cls) {
    int[] r = new int[cls];
    Arrays.fill(r, -1);
    return r;
  }

  private char fold(char c) {
    return foldCase && c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
  }

  private int classOf(char c) {
    if (c < 128) {
      return ascii[c];
    }
    Integer k = other.get(c);
    return k == null ? 0 : k;
  }

  boolean isEmpty() {
    return literalCount == 0;
  }

  /** The OR of the tags of every literal found in {@code s}; 0 when none. */
  long tagsIn(CharSequence s) {
    int st = 0;
    long found = 0;
    int[] nx = next;
    int cls = classes;
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      st = nx[st * cls + (c < 128 ? ascii[c] : classOf(c))];
      found |= tags[st];
    }
    return found;
  }

  /** True when any literal occurs in {@code s}. */
  boolean foundIn(CharSequence s) {
    int st = 0;
    int[] nx = next;
    int cls = classes;
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      st = nx[st * cls + (c < 128 ? ascii[c] : classOf(c))];
      if (longest[st] != 0) {
        return true;
      }
    }
    return false;
  }

  /**
   * Every region of {@code s} covered by a literal, as {@code [start0, end0, start1, end1, …]}, in order and not
   * overlapping: overlapping hits are merged, so that replacing the regions never leaves part of a secret behind.
   */
  int[] regionsIn(CharSequence s) {
    int st = 0;
    int[] out = NO_HITS;
    int k = 0;
    int[] nx = next;
    int cls = classes;
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      st = nx[st * cls + (c < 128 ? ascii[c] : classOf(c))];
      int len = longest[st];
      if (len != 0) {
        int start = i + 1 - len;
        int end = i + 1;
        if (k > 0 && start < out[k - 1]) {
          out[k - 2] = Math.min(out[k - 2], start);
          out[k - 1] = end;
          // A long hit can swallow earlier, shorter ones: merge until the regions are disjoint again.
          while (k >= 4 && out[k - 2] < out[k - 3]) {
            out[k - 4] = Math.min(out[k - 4], out[k - 2]);
            out[k - 3] = out[k - 1];
            k -= 2;
          }
        } else {
          if (k == out.length) {
            out = Arrays.copyOf(out, Math.max(4, k * 2));
          }
          out[k++] = start;
          out[k++] = end;
        }
      }
    }
    return k == out.length ? out : Arrays.copyOf(out, k);
  }

  /** A resumable scan over a stream of chars (or bytes read as ISO-8859-1): state carries across buffers. */
  final class Scan {
    private int st;

    /** True when a literal ends within {@code b[off, off+len)}, counting chars before it. */
    boolean feed(byte[] b, int off, int len) {
      int s = st;
      int[] nx = next;
      int cls = classes;
      for (int i = off; i < off + len; i++) {
        int c = b[i] & 0xff;
        s = nx[s * cls + (c < 128 ? ascii[c] : classOf((char) c))];
        if (longest[s] != 0) {
          st = s;
          return true;
        }
      }
      st = s;
      return false;
    }
  }
}
