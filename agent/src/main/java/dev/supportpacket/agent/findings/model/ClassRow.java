package dev.supportpacket.agent.findings.model;

/** One row of the heap histogram. */
public final class ClassRow {
  public final String className;
  public final long instances;
  public final long bytes;
  /** Line in heap/histogram.txt, 1-based. */
  public final int line;

  public ClassRow(String className, long instances, long bytes, int line) {
    this.className = className;
    this.instances = instances;
    this.bytes = bytes;
    this.line = line;
  }

  /** {@code [B} → {@code byte[]}, {@code [Ljava.lang.Object;} → {@code java.lang.Object[]}. */
  public String readableName() {
    String n = className;
    int dims = 0;
    while (n.startsWith("[")) {
      dims++;
      n = n.substring(1);
    }
    if (dims == 0) {
      return n;
    }
    String base;
    switch (n) {
      case "B": base = "byte"; break;
      case "C": base = "char"; break;
      case "I": base = "int"; break;
      case "J": base = "long"; break;
      case "S": base = "short"; break;
      case "Z": base = "boolean"; break;
      case "F": base = "float"; break;
      case "D": base = "double"; break;
      default: base = n.startsWith("L") && n.endsWith(";") ? n.substring(1, n.length() - 1) : n;
    }
    return base + "[]".repeat(dims);
  }
}
