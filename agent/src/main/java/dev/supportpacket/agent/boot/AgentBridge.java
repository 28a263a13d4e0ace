package dev.supportpacket.agent.boot;

import java.util.function.LongSupplier;

/**
 * The one crossing from the classes the JVM loads for premain/agentmain to the packet code that
 * {@link AgentClassLoader} loads apart (as OpenTelemetry's agent crosses through {@code AgentStarter}). Both sides
 * see this very interface: the agent class loader hands it out from its own parent rather than defining its copy, so
 * a change of a signature is a compile error on both sides, not a {@code NoSuchMethodException} in a target.
 *
 * <p>Parameters and results are JDK types: the two sides share nothing else. Options travel as the argument string.
 */
public interface AgentBridge {
  /**
   * Registers the startup agent's MBean unless it already is.
   *
   * @param startupArgs the startup agent's options, already checked by premain
   * @param ignoredSignals the signal trigger's count of refused signals
   * @throws Exception when the MBean server refuses the registration
   */
  void registerMBean(String startupArgs, LongSupplier ignoredSignals) throws Exception;

  /** Writes a packet for the signal {@code SIG<signal>} and returns the line that tells the outcome on stderr. */
  String packetOnSignal(String startupArgs, String signal);

  /**
   * The attach CLI loaded the agent (the first time in this JVM, or again when {@code loadedBefore}): starts the
   * packet in the background and returns. Never throws: failures go to the status file named in {@code args}.
   */
  void packetOnAttach(String args, boolean loadedBefore);
}
