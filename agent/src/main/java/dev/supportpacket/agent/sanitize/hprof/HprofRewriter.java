package dev.supportpacket.agent.sanitize.hprof;

import java.io.IOException;
import java.util.function.LongConsumer;

/**
 * One walk over an HPROF 1.0.x stream, record by record and, inside heap dump segments, sub-record by sub-record.
 * The first pass (no sink) collects the ids of the UTF8 records that name something: classes (LOAD CLASS), fields
 * (CLASS DUMP) and stack frames' methods, signatures and source files. The second pass echoes everything except:
 * the contents of char[] and byte[] arrays (where String values live), and UTF8 records that name nothing; HotSpot
 * dumps its whole symbol table, which also holds every string literal of every loaded class (the values of
 * {@code static final String} constants among them).
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
  // basic types
  private static final int OBJECT = 2;
  private static final int BOOLEAN = 4;
  private static final int CHAR = 5;
  private static final int FLOAT = 6;
  private static final int DOUBLE = 7;
  private static final int BYTE = 8;
  private static final int SHORT = 9;
  private static final int INT = 10;
  private static final int LONG = 11;

  private static final long PROGRESS_STEP = 64L << 20;

  private final HprofInput in;
  private final LongSet names;
  private final boolean collecting;
  private final LongConsumer progress;
  private int idSize;
  private long nextProgress = PROGRESS_STEP;

  final Counts counts = new Counts();

  /** What the second pass replaced, for the report. */
  static final class Counts {
    long charArrays;
    long byteArrays;
    long textBytes;
    long unnamedUtf8;
    long keptUtf8;
  }

  /**
   * @param names filled in the first pass ({@code collecting}), read in the second
   * @param progress told the bytes consumed every 64 MB
   */
  HprofRewriter(HprofInput in, LongSet names, boolean collecting, LongConsumer progress) {
    this.in = in;
    this.names = names;
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
        if (collecting || names.contains(id)) {
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
      names.add(id);
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
        case 0x21: { // instance dump: id, stack serial, class id, byte count, field values
          in.pass(idSize + 4L + idSize);
          in.pass(in.u4());
          break;
        }
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
    // class id, stack serial, super, loader, signers, protection domain, 2 reserved, instance size
    in.pass(idSize + 4L + 6L * idSize + 4);
    int constants = in.u2();
    for (int i = 0; i < constants; i++) {
      in.u2(); // pool index
      in.pass(size(in.u1()));
    }
    int statics = in.u2();
    for (int i = 0; i < statics; i++) {
      name(in.id(idSize));
      // A String-typed static is an object id; its text is in a char[] or byte[] scrubbed where it is dumped.
      in.pass(size(in.u1()));
    }
    int fields = in.u2();
    for (int i = 0; i < fields; i++) {
      name(in.id(idSize));
      in.u1(); // type
    }
  }

  private void primitiveArray() throws IOException {
    in.pass(idSize + 4L); // array id, stack serial
    long count = in.u4();
    int type = in.u1();
    long bytes = count * size(type);
    if (type == CHAR) {
      counts.charArrays++;
      counts.textBytes += bytes;
      in.replace(bytes, HprofInput.CHAR_STARS);
    } else if (type == BYTE) {
      counts.byteArrays++;
      counts.textBytes += bytes;
      in.replace(bytes, HprofInput.STARS);
    } else {
      in.pass(bytes);
    }
  }

  private int size(int type) throws IOException {
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
