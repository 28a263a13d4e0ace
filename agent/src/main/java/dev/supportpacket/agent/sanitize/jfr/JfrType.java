package dev.supportpacket.agent.sanitize.jfr;

import java.util.ArrayList;
import java.util.List;

/** One type declared in a chunk's metadata: a primitive, a string, or a struct of fields. */
final class JfrType {
  enum Kind {
    BOOLEAN,
    BYTE,
    CHAR,
    SHORT,
    INT,
    LONG,
    FLOAT,
    DOUBLE,
    STRING,
    STRUCT
  }

  static final String EVENT_SUPER_TYPE = "jdk.jfr.Event";

  final long id;
  final String name;
  final String superType;
  final Kind kind;
  /** Filled once every type of the chunk is declared: fields may point at types declared later. */
  final List<Field> fields = new ArrayList<>();

  JfrType(long id, String name, String superType) {
    this.id = id;
    this.name = name;
    this.superType = superType;
    this.kind = kindOf(name);
  }

  boolean isEvent() {
    return EVENT_SUPER_TYPE.equals(superType);
  }

  private static Kind kindOf(String name) {
    switch (name) {
      case "boolean":
        return Kind.BOOLEAN;
      case "byte":
        return Kind.BYTE;
      case "char":
        return Kind.CHAR;
      case "short":
        return Kind.SHORT;
      case "int":
        return Kind.INT;
      case "long":
        return Kind.LONG;
      case "float":
        return Kind.FLOAT;
      case "double":
        return Kind.DOUBLE;
      case "java.lang.String":
        return Kind.STRING;
      default:
        return Kind.STRUCT;
    }
  }

  @Override
  public String toString() {
    return name + "(" + id + ")";
  }

  /** A field of a struct: its value is inline, or a key into its type's constant pool. */
  static final class Field {
    final String name;
    final JfrType type;
    final boolean constantPool;
    final boolean array;

    Field(String name, JfrType type, boolean constantPool, boolean array) {
      this.name = name;
      this.type = type;
      this.constantPool = constantPool;
      this.array = array;
    }
  }
}
