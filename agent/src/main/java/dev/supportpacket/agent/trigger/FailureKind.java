package dev.supportpacket.agent.trigger;

/** Why a packet could not be written at all. The CLI maps each to its own exit code. */
public enum FailureKind {
  /** The agent options were wrong. */
  BAD_OPTIONS,
  /** The output directory does not exist or the target's user cannot write to it. */
  OUTPUT_NOT_WRITABLE,
  /** Too little free space in the output directory. */
  NO_SPACE,
  /** Another packet is being written in this JVM. */
  ALREADY_RUNNING,
  /** The target's heap is too full for the packet code to run in it without risk. */
  HEAP_TOO_FULL,
  /**
   * The attach request reached the JVM after the expiry the attach CLI gave it ({@code RequestExpiry}): the CLI had
   * given up and said so; nothing was collected.
   */
  EXPIRED,
  /** Anything else; the message says what. */
  INTERNAL
}
