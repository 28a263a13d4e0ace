package dev.supportpacket.agent.sanitize.hprof;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A small HPROF reader of the tests' own, independent of the scrubber's parser: it reads every record and counts
 * instances per class name, so that a test can tell that a rewritten dump still parses and holds the same objects.
 */
public final class HprofReader {
  public final Map<String, Integer> instancesByClass = new TreeMap<>();
  public final Map<Long, String> utf8 = new HashMap<>();
  public final Map<String, Integer> primitiveArrays = new TreeMap<>();
  /** Field names of each class, from its CLASS DUMP. */
  public final Map<String, java.util.List<String>> fieldsByClass = new TreeMap<>();

  private final Map<Long, Long> classNameIds = new HashMap<>();
  private final Map<Long, Integer> instancesById = new HashMap<>();
  private int idSize;

  public static HprofReader read(InputStream raw) throws IOException {
    HprofReader r = new HprofReader();
    r.parse(new DataInputStream(new java.io.BufferedInputStream(raw, 1 << 16)));
    return r;
  }

  private void parse(DataInputStream in) throws IOException {
    StringBuilder header = new StringBuilder();
    for (int c = in.readUnsignedByte(); c != 0; c = in.readUnsignedByte()) {
      header.append((char) c);
    }
    if (!header.toString().startsWith("JAVA PROFILE 1.0.")) {
      throw new IOException("bad header " + header);
    }
    idSize = in.readInt();
    in.readLong();
    while (true) {
      int tag;
      try {
        tag = in.readUnsignedByte();
      } catch (EOFException e) {
        break;
      }
      in.readInt();
      long len = in.readInt() & 0xffffffffL;
      switch (tag) {
        case 0x01: {
          long id = id(in);
          byte[] b = new byte[(int) (len - idSize)];
          in.readFully(b);
          utf8.put(id, new String(b, StandardCharsets.UTF_8));
          break;
        }
        case 0x02: {
          in.readInt();
          long classId = id(in);
          in.readInt();
          classNameIds.put(classId, id(in));
          break;
        }
        case 0x0C:
        case 0x1C:
          segment(in, len);
          break;
        default:
          skip(in, len);
      }
    }
    instancesById.forEach((classId, n) -> instancesByClass.merge(className(classId), n, Integer::sum));
  }

  private String className(long classId) {
    Long nameId = classNameIds.get(classId);
    return nameId == null ? "?" + classId : utf8.getOrDefault(nameId, "?").replace('/', '.');
  }

  private void segment(DataInputStream in, long len) throws IOException {
    long read = 0;
    while (read < len) {
      int sub = in.readUnsignedByte();
      read += 1;
      switch (sub) {
        case 0xFF: case 0x05: case 0x07:
          read += skip(in, idSize);
          break;
        case 0x01:
          read += skip(in, 2 * idSize);
          break;
        case 0x02: case 0x03: case 0x08:
          read += skip(in, idSize + 8);
          break;
        case 0x04: case 0x06:
          read += skip(in, idSize + 4);
          break;
        case 0x20: {
          long classId = id(in);
          read += idSize + skip(in, 4 + 6 * idSize + 4);
          int cp = in.readUnsignedShort();
          read += 2;
          for (int i = 0; i < cp; i++) {
            in.readUnsignedShort();
            read += 3 + skip(in, size(in.readUnsignedByte()));
          }
          int statics = in.readUnsignedShort();
          read += 2;
          for (int i = 0; i < statics; i++) {
            id(in);
            read += idSize + 1 + skip(in, size(in.readUnsignedByte()));
          }
          int fields = in.readUnsignedShort();
          read += 2;
          java.util.List<String> names = new java.util.ArrayList<>();
          for (int i = 0; i < fields; i++) {
            names.add(utf8.getOrDefault(id(in), "?"));
            in.readUnsignedByte();
            read += idSize + 1;
          }
          fieldsByClass.put(className(classId), names);
          break;
        }
        case 0x21: {
          id(in);
          in.readInt();
          long classId = id(in);
          int n = in.readInt();
          read += 2 * idSize + 8 + skip(in, n);
          instancesById.merge(classId, 1, Integer::sum);
          break;
        }
        case 0x22: {
          id(in);
          in.readInt();
          int n = in.readInt();
          id(in);
          read += 2 * idSize + 8 + skip(in, (long) n * idSize);
          break;
        }
        case 0x23: {
          id(in);
          in.readInt();
          int n = in.readInt();
          int type = in.readUnsignedByte();
          read += idSize + 9 + skip(in, (long) n * size(type));
          primitiveArrays.merge(Integer.toString(type), 1, Integer::sum);
          break;
        }
        default:
          throw new IOException("unknown sub-record " + sub);
      }
    }
    if (read != len) {
      throw new IOException("segment overrun");
    }
  }

  private static long skip(DataInputStream in, long n) throws IOException {
    long left = n;
    while (left > 0) {
      long s = in.skip(left);
      if (s <= 0) {
        in.readByte();
        s = 1;
      }
      left -= s;
    }
    return n;
  }

  private long id(DataInputStream in) throws IOException {
    return idSize == 4 ? in.readInt() & 0xffffffffL : in.readLong();
  }

  private int size(int type) throws IOException {
    switch (type) {
      case 2: return idSize;
      case 4: case 8: return 1;
      case 5: case 9: return 2;
      case 6: case 10: return 4;
      case 7: case 11: return 8;
      default: throw new IOException("bad type " + type);
    }
  }
}
