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
  /** Non-null references in instance fields, statics, constant pools and object arrays. */
  public long referenceCount;
  /** A digest of every reference with where it is (object and slot): equal digests, the same object graph. */
  public long referenceDigest;
  /** A digest of every array's id and length. */
  public long arrayLengthDigest;
  /** Primitive values that are not zero, in fields, statics, constant pools and arrays other than char[] and byte[]. */
  public long nonZeroNumbers;

  private final Map<Long, Long> superIds = new HashMap<>();
  private final Map<Long, byte[]> fieldTypes = new HashMap<>();
  /** Instances are read before, or after, their class: their fields are walked at the end. */
  private final java.util.List<long[]> instanceIds = new java.util.ArrayList<>();
  private final java.util.List<byte[]> instanceFields = new java.util.ArrayList<>();

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
    for (int i = 0; i < instanceIds.size(); i++) {
      instanceValues(instanceIds.get(i)[0], instanceIds.get(i)[1], instanceFields.get(i));
    }
  }

  /** Walks an instance's field values by its class's layout: own fields first, then its super class's. */
  private void instanceValues(long objectId, long classId, byte[] values) throws IOException {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(values);
    int slot = 0;
    for (long c = classId; c != 0; c = superIds.get(c)) {
      if (!fieldTypes.containsKey(c)) {
        throw new IOException("instance " + objectId + " of a class without CLASS DUMP: " + c);
      }
      for (byte type : fieldTypes.get(c)) {
        byte[] v = new byte[size(type)];
        b.get(v);
        value(objectId, slot++, type, v);
      }
    }
    if (b.hasRemaining()) {
      throw new IOException("instance " + objectId + " has " + b.remaining() + " bytes past its fields");
    }
  }

  private void value(long holder, int slot, int type, byte[] v) {
    long x = 0;
    for (byte e : v) {
      x = (x << 8) | (e & 0xff);
    }
    if (type == 2) {
      if (x != 0) {
        referenceCount++;
        referenceDigest += mix(holder * 31 + slot) ^ mix(x);
      }
    } else if (x != 0) {
      nonZeroNumbers++;
    }
  }

  private static long mix(long v) {
    long h = v * 0x9E3779B97F4A7C15L;
    return h ^ (h >>> 29);
  }

  private byte[] bytes(DataInputStream in, long n) throws IOException {
    byte[] b = new byte[(int) n];
    in.readFully(b);
    return b;
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
          in.readInt();
          superIds.put(classId, id(in));
          read += 2 * idSize + 4 + skip(in, 5 * idSize + 4);
          int cp = in.readUnsignedShort();
          read += 2;
          for (int i = 0; i < cp; i++) {
            int index = in.readUnsignedShort();
            int type = in.readUnsignedByte();
            value(classId, -1 - index, type, bytes(in, size(type)));
            read += 3 + size(type);
          }
          int statics = in.readUnsignedShort();
          read += 2;
          for (int i = 0; i < statics; i++) {
            id(in);
            int type = in.readUnsignedByte();
            value(classId, -100_000 - i, type, bytes(in, size(type)));
            read += idSize + 1 + size(type);
          }
          int fields = in.readUnsignedShort();
          read += 2;
          java.util.List<String> names = new java.util.ArrayList<>();
          byte[] types = new byte[fields];
          for (int i = 0; i < fields; i++) {
            names.add(utf8.getOrDefault(id(in), "?"));
            types[i] = (byte) in.readUnsignedByte();
            read += idSize + 1;
          }
          fieldsByClass.put(className(classId), names);
          fieldTypes.put(classId, types);
          break;
        }
        case 0x21: {
          long objectId = id(in);
          in.readInt();
          long classId = id(in);
          int n = in.readInt();
          instanceIds.add(new long[] {objectId, classId});
          instanceFields.add(bytes(in, n));
          read += 2 * idSize + 8 + n;
          instancesById.merge(classId, 1, Integer::sum);
          break;
        }
        case 0x22: {
          long arrayId = id(in);
          in.readInt();
          int n = in.readInt();
          id(in);
          for (int i = 0; i < n; i++) {
            value(arrayId, i, 2, bytes(in, idSize));
          }
          arrayLengthDigest += mix(arrayId) ^ mix(n);
          read += 2 * idSize + 8 + (long) n * idSize;
          break;
        }
        case 0x23: {
          long arrayId = id(in);
          in.readInt();
          int n = in.readInt();
          int type = in.readUnsignedByte();
          byte[] elements = bytes(in, (long) n * size(type));
          if (type != 5 && type != 8) {
            for (byte e : elements) {
              if (e != 0) {
                nonZeroNumbers++;
                break;
              }
            }
          }
          arrayLengthDigest += mix(arrayId) ^ mix(n);
          read += idSize + 9 + elements.length;
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
