package dev.supportpacket.agent.sanitize.hprof;

import java.io.IOException;
import java.util.function.LongConsumer;

/**
 * One walk over an HPROF 1.0.x stream, record by record and, inside heap dump segments, sub-record by sub-record.
 * The first pass (no sink) learns the {@link DumpFacts}: the ids of the UTF8 records that name something (classes,
 * fields, stack frames' methods, signatures and source files) and each class's field types. The second pass echoes
 * everything except what a heap holds as values, which it blanks in place:
 *
 * <ul>
 *   <li>the contents of every primitive array: char[] and byte[] (where String values live) become '*', every other
 *       (int[], long[], … where BigInteger magnitudes and crypto providers' key words live) zeros;
 *   <li>every primitive field value: of instances, static fields and constant pool entries, zeros (a key can sit in
 *       the long or int fields of a cipher's state);
 *   <li>UTF8 records that name nothing: HotSpot dumps its whole symbol table, which also holds every string literal
 *       of every loaded class (the values of {@code static final String} constants among them).
 * </ul>
 *
 * <p>References (object ids), class and field names, array lengths and instance sizes stay: the object graph.
 *
 * <p>Anything it does not know (an unknown tag, a sub-record running past its segment) is an IOException: the caller
 * drops the entry rather than pass bytes it does not understand.
 */
final class HprofRewriter {
  // top-level record tags
  private static final int UTF8 = 0x01;
  private static final int LOAD_CLASS = 0x02;
  private static final int STACK_FRAME = 0x04;
  private static final int HEAP_DUMP = 0x0C;
  private static final int HEAP_DUMP_SEGMENT = 0x1C;

  private static final long PROGRESS_STEP = 64L << 20;

  private final HprofInput in;
  private final DumpFacts facts;
  private final boolean collecting;
  private final LongConsumer progress;
  private int idSize;
  private long nextProgress = PROGRESS_STEP;

  final Counts counts = new Counts();

  /** What the second pass replaced, for the report. */
  static final class Counts {
    long charArrays;
    long byteArrays;
    long numberArrays;
    long primitiveFields;
    long unknownLayouts;
    long unnamedUtf8;
    long keptUtf8;
  }

  /**
   * @param facts filled in the first pass ({@code collecting}), read in the second
   * @param progress told the bytes consumed every 64 MB
   */
  HprofRewriter(HprofInput in, DumpFacts facts, boolean collecting, LongConsumer progress) {
    this.in = in;
    this.facts = facts;
    this.collecting = collecting;
    this.progress = progress;
  }

  void run() throws IOException {
    String header = in.cstring(64);
    if (!header.startsWith("JAVA PROFILE 1.0.")) {
      throw new IOException("not an HPROF file (header '" + header + "')");
    }
    idSize = (int) in.u4();
    if (idSize != 4 && idSize != 8) {
      throw new IOException("HPROF identifier size " + idSize + " is neither 4 nor 8");
    }
    in.u8(); // timestamp
    while (!in.atEnd()) {
      int tag = in.u1();
      in.u4(); // microseconds since the header's timestamp
      long length = in.u4();
      record(tag, length);
      if (in.consumed() >= nextProgress) {
        progress.accept(in.consumed());
        nextProgress = in.consumed() + PROGRESS_STEP;
      }
    }
    in.flushEcho();
    progress.accept(in.consumed());
  }

  private void record(int tag, long length) throws IOException {
    switch (tag) {
      case UTF8: {
        long id = in.id(idSize);
        long text = length - idSize;
        if (collecting || facts.isName(id)) {
          counts.keptUtf8++;
          in.pass(text);
        } else {
          counts.unnamedUtf8++;
          in.replace(text, HprofInput.STARS);
        }
        break;
      }
      case LOAD_CLASS: {
        in.u4(); // class serial
        in.id(idSize); // class object
        in.u4(); // stack trace serial
        name(in.id(idSize));
        break;
      }
      case STACK_FRAME: {
        in.id(idSize); // frame
        name(in.id(idSize)); // method
        name(in.id(idSize)); // signature
        name(in.id(idSize)); // source file
        in.u4(); // class serial
        in.u4(); // line
        break;
      }
      case HEAP_DUMP:
      case HEAP_DUMP_SEGMENT:
        heapDump(length);
        break;
      case 0x03: // unload class
      case 0x05: // stack trace
      case 0x06: // alloc sites
      case 0x07: // heap summary
      case 0x0A: // start thread: its name ids are not collected, so those UTF8 records are blanked
      case 0x0B: // end thread
      case 0x0D: // CPU samples
      case 0x0E: // control settings
      case 0x2C: // heap dump end
        in.pass(length);
        break;
      default:
        throw new IOException("unknown HPROF record tag 0x" + Integer.toHexString(tag));
    }
  }

  private void name(long id) {
    if (collecting) {
      facts.addName(id);
    }
  }

  private void heapDump(long length) throws IOException {
    long end = in.consumed() + length;
    while (in.consumed() < end) {
      int sub = in.u1();
      switch (sub) {
        case 0xFF: // root unknown
        case 0x05: // root sticky class
        case 0x07: // root monitor used
          in.pass(idSize);
          break;
        case 0x01: // root JNI global
          in.pass(2L * idSize);
          break;
        case 0x02: // root JNI local
        case 0x03: // root Java frame
        case 0x08: // root thread object
          in.pass(idSize + 8L);
          break;
        case 0x04: // root native stack
        case 0x06: // root thread block
          in.pass(idSize + 4L);
          break;
        case 0x20:
          classDump();
          break;
        case 0x21:
          instanceDump();
          break;
        case 0x22: { // object array: id, stack serial, count, class id, elements
          in.pass(idSize + 4L);
          long count = in.u4();
          in.pass(idSize + count * idSize);
          break;
        }
        case 0x23:
          primitiveArray();
          break;
        default:
          throw new IOException("unknown HPROF heap dump sub-record 0x" + Integer.toHexString(sub) + " at byte "
              + (in.consumed() - 1));
      }
    }
    if (in.consumed() != end) {
      throw new IOException("an HPROF heap dump sub-record runs past its segment (byte " + in.consumed() + ")");
    }
  }

  private void classDump() throws IOException {
    long id = in.id(idSize);
    in.u4(); // stack serial
    long superId = in.id(idSize);
    // loader, signers, protection domain, 2 reserved, instance size
    in.pass(5L * idSize + 4);
    int constants = in.u2();
    for (int i = 0; i < constants; i++) {
      in.u2(); // pool index
      value(in.u1());
    }
    int statics = in.u2();
    for (int i = 0; i < statics; i++) {
      name(in.id(idSize));
      value(in.u1());
    }
    int fields = in.u2();
    byte[] types = new byte[fields];
    for (int i = 0; i < fields; i++) {
      name(in.id(idSize));
      int type = in.u1();
      BasicType.size(type, idSize); // an unknown type fails here, before any instance depends on it
      types[i] = (byte) type;
    }
    if (collecting) {
      facts.addClass(id, superId, types);
    }
  }

  /** A constant pool entry's or static field's value: a reference stays, a primitive becomes 0. */
  private void value(int type) throws IOException {
    int size = BasicType.size(type, idSize);
    if (BasicType.isReference(type)) {
      in.pass(size);
    } else {
      counts.primitiveFields++;
      in.replace(size, HprofInput.ZEROS);
    }
  }

  private void instanceDump() throws IOException {
    in.pass(idSize + 4L); // object id, stack serial
    long classId = in.id(idSize);
    long bytes = in.u4();
    if (collecting) {
      in.pass(bytes);
      return;
    }
    FieldRuns runs = facts.runsOf(classId, idSize);
    if (runs.bytes != bytes) {
      // Not laid out as its class says (or no class said): its references cannot be told from its numbers.
      counts.unknownLayouts++;
      in.replace(bytes, HprofInput.ZEROS);
      return;
    }
    counts.primitiveFields += runs.primitiveFields;
    for (int i = 0; i < runs.lengths.length; i++) {
      if (runs.references[i]) {
        in.pass(runs.lengths[i]);
      } else {
        in.replace(runs.lengths[i], HprofInput.ZEROS);
      }
    }
  }

  private void primitiveArray() throws IOException {
    in.pass(idSize + 4L); // array id, stack serial
    long count = in.u4();
    int type = in.u1();
    long bytes = count * BasicType.size(type, idSize);
    if (type == BasicType.CHAR) {
      counts.charArrays++;
      in.replace(bytes, HprofInput.CHAR_STARS);
    } else if (type == BasicType.BYTE) {
      counts.byteArrays++;
      in.replace(bytes, HprofInput.STARS);
    } else {
      counts.numberArrays++;
      in.replace(bytes, HprofInput.ZEROS);
    }
  }
}
