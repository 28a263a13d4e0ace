package dev.supportpacket.agent.sanitize.hprof;

import java.io.IOException;
import java.util.Arrays;

/**
 * What the first pass over a dump learns and the second needs before it meets the records that use it: which UTF8
 * records are names (HotSpot writes every UTF8 record before the LOAD CLASS, CLASS DUMP and STACK FRAME records that
 * refer to them), and each class's super class and field types, which tell an instance's references apart from its
 * primitive values (HPROF does not promise that a class's CLASS DUMP comes before its instances).
 *
 * <p>Memory: a few bytes per symbol and per field of each loaded class, whatever the heap's size.
 */
final class DumpFacts {
  private final LongIndex names = new LongIndex();
  private final LongIndex classes = new LongIndex();
  private long[] supers = new long[1024];
  private byte[][] fieldTypes = new byte[1024][];
  /** Filled by the second pass, one per class as its first instance is met. */
  private FieldRuns[] runs = new FieldRuns[1024];

  void addName(long id) {
    names.add(id);
  }

  boolean isName(long id) {
    return names.contains(id);
  }

  /** @param types the HPROF basic type of each of the class's own instance fields, in dump order */
  void addClass(long id, long superId, byte[] types) {
    int i = classes.add(id);
    if (i >= supers.length) {
      supers = Arrays.copyOf(supers, supers.length * 2);
      fieldTypes = Arrays.copyOf(fieldTypes, supers.length);
      runs = Arrays.copyOf(runs, supers.length);
    }
    supers[i] = superId;
    fieldTypes[i] = types;
  }

  /**
   * Where the references are in the field values of an instance of {@code classId}: its own fields, then its super
   * class's, and so on up (the HPROF layout). {@link FieldRuns#UNKNOWN} for a class without a CLASS DUMP, or whose
   * chain of super classes breaks off or loops.
   */
  FieldRuns runsOf(long classId, int idSize) throws IOException {
    int i = classes.indexOf(classId);
    if (i < 0) {
      return FieldRuns.UNKNOWN;
    }
    if (runs[i] == null) {
      runs[i] = layout(i, idSize);
    }
    return runs[i];
  }

  private FieldRuns layout(int first, int idSize) throws IOException {
    FieldRuns.Builder b = new FieldRuns.Builder();
    int c = first;
    for (int depth = 0; ; depth++) {
      if (depth > classes.size()) {
        return FieldRuns.UNKNOWN; // a loop of super classes
      }
      for (byte type : fieldTypes[c]) {
        b.add(BasicType.isReference(type), BasicType.size(type, idSize));
      }
      if (supers[c] == 0) {
        return b.build();
      }
      c = classes.indexOf(supers[c]);
      if (c < 0) {
        return FieldRuns.UNKNOWN;
      }
    }
  }
}
