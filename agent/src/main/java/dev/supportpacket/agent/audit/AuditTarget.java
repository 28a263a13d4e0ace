package dev.supportpacket.agent.audit;

import java.io.IOException;
import java.util.List;

/**
 * Where audit records go. Called only from the audit log's drain thread, one batch at a time, never concurrently, so
 * an implementation needs no locking of its own. A target that is down throws; the log keeps the batch queued (up to
 * its cap) and tries again with the next batch. Remote targets (syslog, TCP, GELF) plug in here.
 */
public interface AuditTarget {
  /** The target's name in the configuration, for messages. */
  String name();

  /** Whether this target writes records of {@code level}. */
  boolean accepts(AuditRecord.Level level);

  /**
   * Writes {@code batch} (already filtered by {@link #accepts}), all or nothing as far as the target can tell.
   *
   * @throws IOException when the target cannot take the records now; they are offered again later
   */
  void write(List<AuditRecord> batch) throws IOException;

  /** Releases what the target holds between batches (sockets); file targets hold nothing. */
  default void close() {}
}
