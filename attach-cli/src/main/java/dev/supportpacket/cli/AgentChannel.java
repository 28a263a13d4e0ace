package dev.supportpacket.cli;

import com.sun.tools.attach.VirtualMachine;
import dev.supportpacket.agent.options.PacketOptions;
import java.util.Optional;
import java.util.Properties;

/**
 * How a packet request reaches the agent in the target: by loading the agent ({@link LoadAgentChannel}), or, when the
 * target already runs it (started with {@code -javaagent}, or loaded by an earlier attach), through its MBean
 * ({@link JmxAgentChannel}) so that a second copy is never loaded. Either way the agent reports progress and outcome
 * in the status file named in the options, which {@link PacketRequest} follows.
 */
interface AgentChannel extends AutoCloseable {
  /** The system property the agent sets on load; see {@code AgentCore.VERSION_PROPERTY}. */
  String AGENT_VERSION_PROPERTY = "dev.supportpacket.agent.version";

  /** What the progress line says while the request is being delivered. */
  String phase();

  /** Hands the request to the agent and returns; the agent works on in the target. */
  void start(PacketOptions options) throws CliFailure;

  /** A failure of the channel itself after {@link #start} (e.g. the JMX connection broke); empty while it is fine. */
  Optional<CliFailure> broken();

  @Override
  void close();

  /**
   * Asks the target, through the Attach API, whether our agent already runs there. Reading system properties loads
   * nothing into the target; starting its local management agent is what jconsole does, and that connector accepts
   * only local connections.
   */
  static AgentChannel to(TargetProcess target, TargetFiles files) throws CliFailure {
    if (!target.sameMountNamespace()) {
      // In a container neither the JDK's client (from a debug container) nor the JVM's local JMX connector (its own
      // network namespace) can be reached; loading the agent again is safe (AgentMain), so load it.
      return new LoadAgentChannel(target, files);
    }
    VirtualMachine vm;
    try {
      vm = VirtualMachine.attach(Long.toString(target.pid));
    } catch (LinkageError e) {
      // A runtime without jdk.attach: byte-buddy-agent has other ways to load the agent.
      return new LoadAgentChannel(target, files);
    } catch (Exception e) {
      throw AttachFailure.of(target, e);
    }
    try {
      Properties props = vm.getSystemProperties();
      String version = props.getProperty(AGENT_VERSION_PROPERTY);
      if (version == null) {
        return new LoadAgentChannel(target, files);
      }
      return JmxAgentChannel.connect(target, vm.startLocalManagementAgent(), version);
    } catch (CliFailure e) {
      throw e;
    } catch (Exception e) {
      throw AttachFailure.of(target, e);
    } finally {
      try {
        vm.detach();
      } catch (Exception e) {
        // the target went away or closed the attach connection: nothing to release
      }
    }
  }
}
