package dev.supportpacket.agent.findings.model;

import java.util.List;

/** One line of {@code profile/cpu-folded.txt}: frames from the thread's root to the sampled frame, and a count. */
public final class FoldedStack {
  /** Normalized frames, root first, as in the file. */
  public final List<String> frames;
  public final long count;

  public FoldedStack(List<String> frames, long count) {
    if (count < 0) {
      throw new IllegalArgumentException("negative sample count " + count);
    }
    this.frames = List.copyOf(frames);
    this.count = count;
  }

  /** The sampled (leaf) frame. */
  public String leaf() {
    return frames.isEmpty() ? "" : frames.get(frames.size() - 1);
  }
}
