package dev.supportpacket.agent.sanitize.hprof;

import java.util.Arrays;

/**
 * The field values of a class's instances as alternating runs of bytes: references, kept, and primitive values,
 * zeroed. Immutable once built.
 */
final class FieldRuns {
  /** For a class whose layout is not known: every byte of its instances' field values is zeroed. */
  static final FieldRuns UNKNOWN = new FieldRuns(new int[0], new boolean[0], -1, 0);

  /** Lengths of the runs, in bytes. */
  final int[] lengths;
  /** Whether each run holds references. */
  final boolean[] references;
  /** The sum of the lengths: an instance whose byte count differs is not laid out as its class says. */
  final long bytes;
  /** How many primitive fields the runs hold, for the report's count. */
  final int primitiveFields;

  private FieldRuns(int[] lengths, boolean[] references, long bytes, int primitiveFields) {
    this.lengths = lengths;
    this.references = references;
    this.bytes = bytes;
    this.primitiveFields = primitiveFields;
  }

  static final class Builder {
    private int[] lengths = new int[8];
    private boolean[] references = new boolean[8];
    private int n;
    private long bytes;
    private int primitiveFields;

    void add(boolean reference, int size) {
      if (!reference) {
        primitiveFields++;
      }
      bytes += size;
      if (n > 0 && references[n - 1] == reference) {
        lengths[n - 1] += size;
        return;
      }
      if (n == lengths.length) {
        lengths = Arrays.copyOf(lengths, n * 2);
        references = Arrays.copyOf(references, n * 2);
      }
      lengths[n] = size;
      references[n] = reference;
      n++;
    }

    FieldRuns build() {
      return new FieldRuns(Arrays.copyOf(lengths, n), Arrays.copyOf(references, n), bytes, primitiveFields);
    }
  }
}
