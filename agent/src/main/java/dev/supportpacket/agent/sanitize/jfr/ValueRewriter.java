package dev.supportpacket.agent.sanitize.jfr;

import java.io.IOException;
import java.util.function.UnaryOperator;

/**
 * Walks one value described by the metadata. In copy mode it copies the value's bytes unchanged except for inline
 * strings, which are re-encoded after scrubbing, and reports every constant-pool key it passes; in skip mode it only
 * finds where the value ends.
 *
 * <p>Integers are copied byte for byte, so that padded varints and values the rewriter does not interpret survive
 * exactly as the JVM wrote them.
 */
final class ValueRewriter {
  /** Inline structs nest a few levels (stack trace, frame); deeper means a recursive type or garbage. */
  private static final int MAX_DEPTH = 16;

  private final JfrInput in;
  private final UnaryOperator<String> scrub;
  private final ConstantPools pools;
  private final long stringTypeId;
  private JfrOutput out;
  private int mark;
  private boolean copying;

  /**
   * @param pools receives the keys that copied values refer to; may be null in a rewriter only used to skip
   * @param stringTypeId id of java.lang.String in this chunk's metadata, -1 if it declares none
   */
  ValueRewriter(JfrInput in, UnaryOperator<String> scrub, ConstantPools pools, long stringTypeId) {
    this.in = in;
    this.scrub = scrub;
    this.pools = pools;
    this.stringTypeId = stringTypeId;
  }

  /** Copies the value of {@code type} at the input's position into {@code target}, strings scrubbed. */
  void copy(JfrType type, JfrOutput target) throws IOException {
    out = target;
    copying = true;
    mark = in.position();
    value(type, 0);
    flush(in.position());
    out = null;
  }

  /** Moves the input past one value of {@code type}. */
  void skip(JfrType type) throws IOException {
    copying = false;
    value(type, 0);
  }

  private void value(JfrType type, int depth) throws IOException {
    switch (type.kind) {
      case BOOLEAN:
      case BYTE:
        in.skip(1);
        return;
      case CHAR:
      case SHORT:
      case INT:
      case LONG:
        in.readLong();
        return;
      case FLOAT:
        in.skip(4);
        return;
      case DOUBLE:
        in.skip(8);
        return;
      case STRING:
        string();
        return;
      default:
        if (depth > MAX_DEPTH) {
          throw new IOException("type " + type + " nests deeper than " + MAX_DEPTH + " levels");
        }
        for (JfrType.Field f : type.fields) {
          if (f.array) {
            for (int n = in.readLength(); n > 0; n--) {
              element(f, depth);
            }
          } else {
            element(f, depth);
          }
        }
    }
  }

  private void element(JfrType.Field f, int depth) throws IOException {
    if (f.constantPool) {
      long key = in.readLong();
      if (copying) {
        pools.touch(f.type.id, key);
      }
    } else {
      value(f.type, depth + 1);
    }
  }

  private void string() throws IOException {
    if (!copying) {
      in.skipString();
      return;
    }
    int start = in.position();
    Object s = in.readString();
    if (s instanceof JfrInput.PoolString) {
      pools.touch(stringTypeId, ((JfrInput.PoolString) s).key);
    } else if (s != null && !((String) s).isEmpty()) {
      flush(start);
      out.writeString(scrub.apply((String) s));
      mark = in.position();
    }
  }

  private void flush(int upTo) {
    out.writeBytes(in.array(), mark, upTo - mark);
    mark = upTo;
  }
}
