package dev.supportpacket.agent.sanitize.hprof;

/**
 * Dense indexes 0, 1, 2, … for HPROF ids, without boxing: a dump names some 10^5 symbols and 10^4 classes; boxed,
 * they would weigh on the target's heap.
 */
final class LongIndex {
  private long[] keys = new long[1 << 12];
  private int[] indexes = new int[1 << 12];
  private int size;
  /** 0 marks a free slot, so the id 0 has its index here; -1 while absent. */
  private int zeroIndex = -1;

  /** The index of {@code v}, given the next free one if it had none. */
  int add(long v) {
    if (v == 0) {
      if (zeroIndex < 0) {
        zeroIndex = size++;
      }
      return zeroIndex;
    }
    if (size * 2 >= keys.length) {
      grow();
    }
    int mask = keys.length - 1;
    for (int i = mix(v) & mask; ; i = (i + 1) & mask) {
      if (keys[i] == v) {
        return indexes[i];
      }
      if (keys[i] == 0) {
        keys[i] = v;
        indexes[i] = size;
        return size++;
      }
    }
  }

  /** The index of {@code v}, or -1 if it has none. */
  int indexOf(long v) {
    if (v == 0) {
      return zeroIndex;
    }
    int mask = keys.length - 1;
    for (int i = mix(v) & mask; ; i = (i + 1) & mask) {
      if (keys[i] == v) {
        return indexes[i];
      }
      if (keys[i] == 0) {
        return -1;
      }
    }
  }

  boolean contains(long v) {
    return indexOf(v) >= 0;
  }

  /** How many ids have an index: the next index given out. */
  int size() {
    return size;
  }

  private void grow() {
    long[] oldKeys = keys;
    int[] oldIndexes = indexes;
    keys = new long[oldKeys.length * 2];
    indexes = new int[oldKeys.length * 2];
    int mask = keys.length - 1;
    for (int j = 0; j < oldKeys.length; j++) {
      long v = oldKeys[j];
      if (v != 0) {
        int i = mix(v) & mask;
        while (keys[i] != 0) {
          i = (i + 1) & mask;
        }
        keys[i] = v;
        indexes[i] = oldIndexes[j];
      }
    }
  }

  private static int mix(long v) {
    long h = v * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32));
  }
}
