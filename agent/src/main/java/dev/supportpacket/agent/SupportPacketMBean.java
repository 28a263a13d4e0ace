package dev.supportpacket.agent;

/**
 * The JMX face of the agent, {@value SupportPacket#OBJECT_NAME} on the platform MBean server: reachable from jconsole
 * or JMC locally, and over the application's own remote JMX connector when it has one.
 *
 * <p>Failures are thrown as {@link IllegalArgumentException} (bad options) or {@link IllegalStateException}
 * (everything else, e.g. "already running: &lt;path&gt;"): JDK types, so that any remote client can read them.
 */
public interface SupportPacketMBean {
  /** Writes a packet with the agent's options and returns its path once it is written. */
  String createPacket();

  /**
   * Writes a packet and returns its path once it is written.
   *
   * @param options {@code key=value,…} as in the agent argument, on top of the agent's own options; may be empty
   */
  String createPacket(String options);

  /** The path of the last packet written in this JVM, by any trigger; empty when none was. */
  String getLastPacketPath();

  /** {@code complete}, {@code incomplete: …}, {@code failed <KIND>: …}, or {@code none}. */
  String getLastOutcome();

  boolean isInProgress();

  /** Signals ignored because they came within {@code minInterval} of the last accepted one. */
  long getIgnoredSignals();
}
