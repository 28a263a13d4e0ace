package dev.supportpacket.agent.collect;

/** Tells whoever watches (the CLI through the status file) what the packet is doing. Never throws. */
public interface Progress {
  Progress NONE = (phase, secondsLeft) -> {};

  /**
   * @param phase a short name, e.g. "profile"
   * @param secondsLeft estimated seconds until the packet is written, or -1 when unknown
   */
  void phase(String phase, long secondsLeft);
}
