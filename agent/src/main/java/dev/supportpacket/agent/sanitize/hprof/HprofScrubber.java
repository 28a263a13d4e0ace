package dev.supportpacket.agent.sanitize.hprof;

import dev.supportpacket.agent.sanitize.BinaryScrubber;
import dev.supportpacket.agent.sanitize.EntryScrubber;
import java.io.BufferedInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongConsumer;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Rewrites a HotSpot heap dump (HPROF 1.0.2) into a gzip stream with every value the heap holds blanked and every
 * record's structure and size kept, so that Eclipse MAT and VisualVM still open it and show the object graph, sizes,
 * class names and field names.
 *
 * <p>Replaced by {@code '*'}: the contents of every char[] and byte[] (String values, in UTF-16 or Latin-1, and
 * every other byte buffer), and UTF8 records that name no class, field or stack frame method (string literals of
 * loaded classes, thread names). Replaced by zeros: the contents of every other primitive array (a BigInteger's
 * int[], a provider's long[] key words) and every primitive field value of instances, statics and constant pools.
 * Kept: class, field and method names, references (the object graph), array lengths and instance sizes.
 *
 * <p>Two passes over the file: the first learns which UTF8 records are names (they precede the records that use
 * them) and each class's field types; the second rewrites and compresses. The first seeks past array and instance
 * bodies.
 */
public final class HprofScrubber implements BinaryScrubber {
  /** Count names in report.txt. */
  public static final String CHAR_ARRAYS = "hprof-char-arrays";
  public static final String BYTE_ARRAYS = "hprof-byte-arrays";
  public static final String NUMBER_ARRAYS = "hprof-number-arrays";
  public static final String PRIMITIVE_FIELDS = "hprof-primitive-fields";
  /** Instances whose class layout was not known: every byte of their fields, references too, is zeroed. */
  public static final String UNKNOWN_LAYOUTS = "hprof-unknown-layouts";
  public static final String UNNAMED_SYMBOLS = "hprof-symbols";

  private final LongConsumer progress;

  /** @param progress told the bytes of the raw dump read so far, from the scrubbing thread; never null */
  public HprofScrubber(LongConsumer progress) {
    this.progress = progress;
  }

  @Override
  public void scrub(Path source, OutputStream out, EntryScrubber text) throws IOException {
    DumpFacts facts = new DumpFacts();
    try (InputStream in = Files.newInputStream(source)) {
      new HprofRewriter(new HprofInput(in, null), facts, true, n -> {}).run();
    }
    HprofRewriter rewriter;
    try (InputStream in = new BufferedInputStream(Files.newInputStream(source), 1 << 16);
        GZIPOutputStream gz = fastGzip(new FilterOutputStream(out) {
          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
          }

          @Override
          public void close() throws IOException {
            flush(); // the caller owns out
          }
        })) {
      rewriter = new HprofRewriter(new HprofInput(in, gz), facts, false, progress);
      rewriter.run();
    }
    Map<String, Integer> counts = new LinkedHashMap<>();
    counts.put(CHAR_ARRAYS, clamp(rewriter.counts.charArrays));
    counts.put(BYTE_ARRAYS, clamp(rewriter.counts.byteArrays));
    counts.put(NUMBER_ARRAYS, clamp(rewriter.counts.numberArrays));
    counts.put(PRIMITIVE_FIELDS, clamp(rewriter.counts.primitiveFields));
    if (rewriter.counts.unknownLayouts > 0) {
      counts.put(UNKNOWN_LAYOUTS, clamp(rewriter.counts.unknownLayouts));
    }
    counts.put(UNNAMED_SYMBOLS, clamp(rewriter.counts.unnamedUtf8));
    text.addCounts(counts);
  }

  /**
   * gzip at level 1: a scrubbed dump is mostly runs of '*' and zeros, which the fastest level packs nearly as well,
   * and the dump's size otherwise makes compression the slowest step.
   */
  static GZIPOutputStream fastGzip(OutputStream out) throws IOException {
    return new GZIPOutputStream(out, 1 << 16) {
      {
        def.setLevel(Deflater.BEST_SPEED);
      }
    };
  }

  private static int clamp(long n) {
    return (int) Math.min(Integer.MAX_VALUE, n);
  }
}
