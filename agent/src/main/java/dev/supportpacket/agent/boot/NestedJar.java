package dev.supportpacket.agent.boot;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import java.util.zip.ZipException;

/**
 * A jar stored uncompressed inside the agent jar, read in place: its entries are found through its own central
 * directory and read at their offsets in the agent jar, so nothing is extracted to disk or held in memory. Plain zip
 * only (no zip64, which a jar of a few thousand entries never needs). Thread-safe: each read seeks and reads under
 * the file's lock.
 *
 * <p>A RandomAccessFile, not a FileChannel: a FileChannel is closed for good when a thread reading it is interrupted,
 * and our collectors are interrupted at their deadlines, often while loading a class; every later class load of the
 * agent would then fail for the JVM's lifetime. A RandomAccessFile's read ignores interrupts.
 */
final class NestedJar {
  private static final int END_HEADER = 0x06054b50;
  private static final int CEN_HEADER = 0x02014b50;
  private static final int LOC_HEADER = 0x04034b50;
  private static final int END_SIZE = 22;
  private static final int CEN_SIZE = 46;
  private static final int LOC_SIZE = 30;
  private static final int STORED = 0;
  private static final int DEFLATED = 8;

  private final RandomAccessFile file;
  /** Entry name to {offset of its local header in the file, compressed size, size, method}. */
  private final Map<String, long[]> entries;

  private NestedJar(RandomAccessFile file, Map<String, long[]> entries) {
    this.file = file;
    this.entries = entries;
  }

  /**
   * Opens the stored entry {@code name} of the zip file {@code outer} as a jar; the file stays open for the JVM's
   * lifetime, as the JVM keeps its class path jars open.
   *
   * @throws ZipException when the entry is missing, compressed, or not a plain zip
   */
  static NestedJar open(Path outer, String name) throws IOException {
    RandomAccessFile file = new RandomAccessFile(outer.toFile(), "r");
    try {
      long[] nested = centralDirectory(file, 0, file.length()).get(name);
      if (nested == null || nested[3] != STORED) {
        throw new ZipException(outer + " holds no uncompressed " + name);
      }
      long start = dataOffset(file, nested[0]);
      return new NestedJar(file, centralDirectory(file, start, start + nested[2]));
    } catch (IOException | RuntimeException e) {
      file.close();
      throw e;
    }
  }

  boolean contains(String name) {
    return entries.containsKey(name);
  }

  /** The entry's content; null when there is no such entry. */
  byte[] read(String name) throws IOException {
    long[] e = entries.get(name);
    if (e == null) {
      return null;
    }
    // One spare byte: the inflater may ask for one more input byte after the last ("nowrap" mode).
    byte[] in = new byte[(int) e[1] + 1];
    readFully(file, in, (int) e[1], dataOffset(file, e[0]));
    if (e[3] == STORED) {
      return Arrays.copyOf(in, (int) e[1]);
    }
    if (e[3] != DEFLATED) {
      throw new ZipException(name + ": unsupported compression method " + e[3]);
    }
    byte[] out = new byte[(int) e[2]];
    Inflater inflater = new Inflater(true);
    try {
      inflater.setInput(in);
      int n = 0;
      while (n < out.length) {
        int got = inflater.inflate(out, n, out.length - n);
        if (got == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
          throw new ZipException(name + ": truncated entry");
        }
        n += got;
      }
      return out;
    } catch (DataFormatException ex) {
      throw new ZipException(name + ": " + ex.getMessage());
    } finally {
      inflater.end();
    }
  }

  /** The entries of the zip that occupies [start, end) of the file; offsets in the result are the file's. */
  private static Map<String, long[]> centralDirectory(RandomAccessFile file, long start, long end) throws IOException {
    int tail = (int) Math.min(end - start, END_SIZE + 0xFFFF); // the end record, after a comment of up to 64 KB
    ByteBuffer b = read(file, end - tail, tail);
    int at = tail - END_SIZE;
    while (at >= 0 && b.getInt(at) != END_HEADER) {
      at--;
    }
    if (at < 0) {
      throw new ZipException("no zip end record");
    }
    int count = Short.toUnsignedInt(b.getShort(at + 10));
    long cenSize = Integer.toUnsignedLong(b.getInt(at + 12));
    long cenOffset = Integer.toUnsignedLong(b.getInt(at + 16));
    if (count == 0xFFFF || cenOffset == 0xFFFFFFFFL) {
      throw new ZipException("zip64 is not supported");
    }
    ByteBuffer cen = read(file, start + cenOffset, (int) cenSize);
    Map<String, long[]> entries = new HashMap<>(count * 2);
    int p = 0;
    for (int i = 0; i < count; i++) {
      if (cen.getInt(p) != CEN_HEADER) {
        throw new ZipException("bad central directory entry " + i);
      }
      int nameLength = Short.toUnsignedInt(cen.getShort(p + 28));
      int skip = Short.toUnsignedInt(cen.getShort(p + 30)) + Short.toUnsignedInt(cen.getShort(p + 32));
      String name = new String(cen.array(), p + CEN_SIZE, nameLength, StandardCharsets.UTF_8);
      entries.put(name, new long[] {start + Integer.toUnsignedLong(cen.getInt(p + 42)),
          Integer.toUnsignedLong(cen.getInt(p + 20)), Integer.toUnsignedLong(cen.getInt(p + 24)),
          Short.toUnsignedInt(cen.getShort(p + 10))});
      p += CEN_SIZE + nameLength + skip;
    }
    return entries;
  }

  private static long dataOffset(RandomAccessFile file, long localHeader) throws IOException {
    ByteBuffer loc = read(file, localHeader, LOC_SIZE);
    if (loc.getInt(0) != LOC_HEADER) {
      throw new ZipException("bad local header at " + localHeader);
    }
    return localHeader + LOC_SIZE + Short.toUnsignedInt(loc.getShort(26)) + Short.toUnsignedInt(loc.getShort(28));
  }

  private static ByteBuffer read(RandomAccessFile file, long position, int length) throws IOException {
    byte[] b = new byte[length];
    readFully(file, b, length, position);
    return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static void readFully(RandomAccessFile file, byte[] b, int length, long position) throws IOException {
    synchronized (file) {
      file.seek(position);
      file.readFully(b, 0, length);
    }
  }
}
