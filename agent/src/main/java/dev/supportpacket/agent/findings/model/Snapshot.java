package dev.supportpacket.agent.findings.model;

import java.util.List;
import java.util.Optional;

/** All threads at one moment of the window. */
public final class Snapshot {
  public final String label;
  /** Epoch ms, -1 when unknown. */
  public final long atMs;
  public final List<ThreadSample> threads;

  public Snapshot(String label, long atMs, List<ThreadSample> threads) {
    this.label = label == null ? "" : label;
    this.atMs = atMs;
    this.threads = List.copyOf(threads);
  }

  public Optional<ThreadSample> thread(long id) {
    for (ThreadSample t : threads) {
      if (t.id == id) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }
}
