package dev.supportpacket.agent.sanitize.jfr;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The constants of one chunk: an index of where every constant's value starts (built by walking the checkpoint
 * chain), the set the kept events reach, and the single checkpoint that holds only those, rewritten.
 */
final class ConstantPools {
  private final JfrInput in;
  private final Map<Long, Pool> pools = new LinkedHashMap<>();
  private final ArrayDeque<Entry> reached = new ArrayDeque<>();

  private ConstantPools(JfrInput in) {
    this.in = in;
  }

  /**
   * Indexes every checkpoint of the chunk, newest first as the JDK does, so that when a key repeats the newest
   * value wins.
   *
   * @param lastCheckpoint chunk-relative position of the newest checkpoint, from the chunk header
   */
  static ConstantPools index(JfrInput in, long lastCheckpoint, Metadata metadata) throws IOException {
    ConstantPools cp = new ConstantPools(in);
    ValueRewriter skipper = new ValueRewriter(in, UnaryOperator.identity(), null, -1);
    long position = lastCheckpoint;
    while (true) {
      in.position(position);
      long end = in.readRecordEnd(position);
      long typeId = in.readLong();
      if (typeId != 1) {
        throw new IOException("expected a checkpoint at position " + position + ", found type id " + typeId);
      }
      in.readLong(); // start time
      in.readLong(); // duration
      long delta = in.readLong();
      in.readByte(); // checkpoint kind (flush, header, statics, threads): not needed to read or write values
      for (int pools = in.readLength(); pools > 0; pools--) {
        long poolType = in.readLong();
        JfrType type = metadata.type(poolType);
        if (type == null) {
          throw new IOException("checkpoint at position " + position + " has a pool of undeclared type " + poolType);
        }
        Pool pool = cp.pools.computeIfAbsent(poolType, id -> new Pool(type));
        for (int n = in.readLength(); n > 0; n--) {
          long key = in.readLong();
          int offset = in.position();
          skipper.skip(type);
          pool.entries.putIfAbsent(key, new Entry(pool, key, offset));
        }
      }
      if (in.position() != end) {
        throw new IOException("checkpoint at position " + position + " does not end where its size says");
      }
      if (delta == 0) {
        return cp;
      }
      // The chain runs backwards; anything else would loop or leave the chunk.
      if (delta > 0 || position + delta < ChunkHeader.SIZE) {
        throw new IOException("checkpoint at position " + position + " links to invalid delta " + delta);
      }
      position += delta;
    }
  }

  /** Marks a constant as reached; unknown keys (0 for null, or constants of another chunk) are left alone. */
  void touch(long typeId, long key) {
    Pool pool = pools.get(typeId);
    if (pool == null) {
      return;
    }
    Entry e = pool.entries.get(key);
    if (e != null && !e.reached) {
      e.reached = true;
      reached.add(e);
    }
  }

  /** Rewrites every reached constant, following the constants they reach in turn. */
  void rewriteReached(ValueRewriter rewriter) throws IOException {
    Entry e;
    while ((e = reached.poll()) != null) {
      Pool pool = e.pool;
      if (pool.out == null) {
        pool.out = new JfrOutput(256);
      }
      in.position(e.offset);
      pool.out.writeLong(e.key);
      rewriter.copy(pool.type, pool.out);
      pool.count++;
    }
  }

  /** Writes one checkpoint holding the rewritten constants; a pool with no reached constant is left out. */
  void writeCheckpoint(JfrOutput out, long startTime) throws IOException {
    int start = out.size();
    int poolCount = 0;
    for (Pool p : pools.values()) {
      if (p.count > 0) {
        poolCount++;
      }
    }
    out.writePaddedInt(0);
    out.writeLong(1);
    out.writeLong(startTime);
    out.writeLong(0); // duration
    out.writeLong(0); // delta: the only checkpoint of the chunk
    out.writeByte(0); // an ordinary checkpoint
    out.writeLong(poolCount);
    for (Pool p : pools.values()) {
      if (p.count > 0) {
        out.writeLong(p.type.id);
        out.writeLong(p.count);
        out.writeOutput(p.out);
      }
    }
    out.patchPaddedInt(start, out.size() - start);
  }

  private static final class Pool {
    final JfrType type;
    final Map<Long, Entry> entries = new HashMap<>();
    JfrOutput out;
    int count;

    Pool(JfrType type) {
      this.type = type;
    }
  }

  private static final class Entry {
    final Pool pool;
    final long key;
    final int offset;
    boolean reached;

    Entry(Pool pool, long key, int offset) {
      this.pool = pool;
      this.key = key;
      this.offset = offset;
    }
  }
}
