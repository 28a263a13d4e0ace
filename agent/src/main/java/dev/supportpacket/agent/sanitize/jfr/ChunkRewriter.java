package dev.supportpacket.agent.sanitize.jfr;

import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Rebuilds one chunk: the header, the kept events (strings scrubbed), one checkpoint with only the constants those
 * events reach (strings scrubbed), and the metadata pruned to the types they reach. Everything else is dropped,
 * including the events and constants of other recordings that share the chunk.
 */
final class ChunkRewriter {
  private final Set<String> keptEvents;
  private final UnaryOperator<String> scrub;

  ChunkRewriter(Set<String> keptEvents, UnaryOperator<String> scrub) {
    this.keptEvents = keptEvents;
    this.scrub = scrub;
  }

  /**
   * Rewrites the chunk held in {@code in} (from position 0) into {@code out}.
   *
   * @return the number of events kept
   */
  int rewrite(JfrInput in, ChunkHeader header, JfrOutput out) throws IOException {
    Metadata metadata = Metadata.read(in, header.metadata);
    Set<Long> keptTypes = new HashSet<>();
    long stringTypeId = -1;
    for (JfrType t : metadata.types()) {
      if (t.isEvent() && keptEvents.contains(t.name)) {
        keptTypes.add(t.id);
      }
      if (t.kind == JfrType.Kind.STRING) {
        stringTypeId = t.id;
      }
    }
    ConstantPools pools = ConstantPools.index(in, header.lastCheckpoint, metadata);
    ValueRewriter rewriter = new ValueRewriter(in, scrub, pools, stringTypeId);

    int chunkStart = out.size();
    header.write(out, 0, 0, 0);
    int kept = copyEvents(in, metadata, keptTypes, rewriter, out);
    pools.rewriteReached(rewriter);
    long checkpoint = out.size() - chunkStart;
    pools.writeCheckpoint(out, header.startTicks);
    long metadataPosition = out.size() - chunkStart;
    metadata.writePruned(out, metadata.reachableFrom(keptTypes));
    long size = out.size() - chunkStart;
    out.patchRawLong(chunkStart + 8, size);
    out.patchRawLong(chunkStart + 16, checkpoint);
    out.patchRawLong(chunkStart + 24, metadataPosition);
    return kept;
  }

  private static int copyEvents(
      JfrInput in, Metadata metadata, Set<Long> keptTypes, ValueRewriter rewriter, JfrOutput out)
      throws IOException {
    int kept = 0;
    long position = ChunkHeader.SIZE;
    in.position(position);
    while (position < in.limit()) {
      long end = in.readRecordEnd(position);
      long typeId = in.readLong();
      if (keptTypes.contains(typeId)) {
        int start = out.size();
        out.writePaddedInt(0);
        out.writeLong(typeId);
        rewriter.copy(metadata.type(typeId), out);
        if (in.position() > end) {
          throw new IOException("event at position " + position + " is longer than its record");
        }
        out.patchPaddedInt(start, out.size() - start);
        kept++;
      }
      position = end;
      in.position(position);
    }
    return kept;
  }
}
