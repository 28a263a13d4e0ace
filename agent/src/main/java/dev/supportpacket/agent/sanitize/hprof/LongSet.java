package dev.supportpacket.agent.sanitize.hprof;

/** A set of longs without boxing (a dump names some 10^5 symbols; boxed, that would weigh on the target's heap). */
final class LongSet {
  private long[] slots = new long[1 << 12];
  private int size;
  private boolean hasZero;

  void add(long v) {
    if (v == 0) {
      hasZero = true;
      return;
    }
    if (size * 2 >= slots.length) {
      grow();
    }
    if (insert(slots, v)) {
      size++;
    }
  }

  boolean contains(long v) {
    if (v == 0) {
      return hasZero;
    }
    int mask = slots.length - 1;
    for (int i = mix(v) & mask; ; i = (i + 1) & mask) {
      if (slots[i] == v) {
        return true;
      }
      if (slots[i] == 0) {
        return false;
      }
    }
  }

  int size() {
    return size + (hasZero ? 1 : 0);
  }

  private static boolean insert(long[] table, long v) {
    int mask = table.length - 1;
    for (int i = mix(v) & mask; ; i = (i + 1) & mask) {
      if (table[i] == v) {
        return false;
      }
      if (table[i] == 0) {
        table[i] = v;
        return true;
      }
    }
  }

  private void grow() {
    long[] bigger = new long[slots.length * 2];
    for (long v : slots) {
      if (v != 0) {
        insert(bigger, v);
      }
    }
    slots = bigger;
  }

  private static int mix(long v) {
    long h = v * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32));
  }
}
