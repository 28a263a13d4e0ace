package dev.supportpacket.agent.collect;

/** Tells whoever watches (the CLI through the status file) what the packet is doing. Never throws. */
public interface Progress {
  Progress NONE = (phase, secondsLeft) -> {};

  /**
   * @param phase a short name, e.g. "profile"
   * @param secondsLeft estimated seconds until the packet is written, or -1 when unknown
   */
  void phase(String phase, long secondsLeft);

  /**
   * Like {@link #phase(String, long)}, with the bytes written so far in this phase (a heap dump's size as it grows).
   *
   * @param bytes bytes so far; negative when unknown
   */
  default void phase(String phase, long secondsLeft, long bytes) {
    phase(phase, secondsLeft);
  }
}
