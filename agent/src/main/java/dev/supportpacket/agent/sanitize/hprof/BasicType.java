package dev.supportpacket.agent.sanitize.hprof;

import java.io.IOException;

/** HPROF basic type codes, as in field and array records. */
final class BasicType {
  static final int OBJECT = 2;
  static final int BOOLEAN = 4;
  static final int CHAR = 5;
  static final int FLOAT = 6;
  static final int DOUBLE = 7;
  static final int BYTE = 8;
  static final int SHORT = 9;
  static final int INT = 10;
  static final int LONG = 11;

  private BasicType() {}

  static boolean isReference(int type) {
    return type == OBJECT;
  }

  /** Bytes of one value of {@code type}; an unknown type is an IOException (the dump is not understood). */
  static int size(int type, int idSize) throws IOException {
    switch (type) {
      case OBJECT:
        return idSize;
      case BOOLEAN:
      case BYTE:
        return 1;
      case CHAR:
      case SHORT:
        return 2;
      case FLOAT:
      case INT:
        return 4;
      case DOUBLE:
      case LONG:
        return 8;
      default:
        throw new IOException("unknown HPROF basic type " + type);
    }
  }
}
