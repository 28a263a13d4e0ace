package dev.supportpacket.agent.audit;

import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;

/**
 * Where audit records go. Each lane of a target ({@link #laneOf}) has its own sender thread (see {@link AuditLog}),
 * which writes one batch at a time; batches of different lanes may be written at once. A target that is down throws; its records
 * wait (up to the queue's cap) and are offered again after a back-off.
 */
public interface AuditTarget {
  /** The target's name in the configuration, for messages and its sender thread's name. */
  String name();

  /** Whether this target writes records of {@code level}. */
  boolean accepts(AuditRecord.Level level);

  /**
   * Writes {@code batch} (already filtered by {@link #accepts}), all or nothing as far as the target can tell.
   *
   * @throws IOException when the target cannot take the records now; they are offered again later
   */
  void write(List<AuditRecord> batch) throws IOException;

  /**
   * Which queue {@code r} waits in: records of one lane are written one batch at a time, and a lane that is stuck (a
   * full disk) holds back only its own records. One lane per target unless a target writes to several places.
   */
  default String laneOf(AuditRecord r) {
    return "";
  }

  /** Releases what the target holds between batches; none of ours hold anything. */
  default void close() {}

  /** Whether records written here leave the host: such targets also get the seals of the chained files. */
  default boolean offHost() {
    return false;
  }

  /** Called once by the log: where a target that seals its own records hands each seal once it is written. */
  default void forwardSealsTo(Consumer<AuditRecord> sink) {}
}
