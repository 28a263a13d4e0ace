package dev.supportpacket.cli;

import dev.supportpacket.agent.options.PacketOptions;
import dev.supportpacket.agent.trigger.StatusProtocol;
import net.bytebuddy.agent.ByteBuddyAgent;

/**
 * How a request reaches the target: by loading the agent jar that travels inside attach.jar. Also when the agent
 * already runs there (a startup agent, or an earlier attach): the JVM calls agentmain again and the loaded agent
 * takes the request, so the CLI never starts the target's management agent (which would leave an RMI port open for
 * the target's lifetime). The agent answers in the status file named in the options.
 */
final class LoadAgentChannel {
  private final TargetProcess target;

  LoadAgentChannel(TargetProcess target) {
    this.target = target;
  }

  /** Hands the request to the agent and returns; the agent works on in the target. */
  void start(PacketOptions options) throws CliFailure {
    String args = options.toAgentArgs() + "," + StatusProtocol.OPTION + "=" + StatusProtocol.VERSION;
    try {
      ByteBuddyAgent.attach(AgentJar.extract().toFile(), Long.toString(target.pid), args);
    } catch (RuntimeException e) {
      throw AttachFailure.of(target, e);
    }
  }
}
