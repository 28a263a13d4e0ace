package dev.supportpacket.cli;

import dev.supportpacket.agent.options.PacketOptions;
import dev.supportpacket.agent.options.RequestExpiry;
import dev.supportpacket.agent.trigger.StatusProtocol;
import net.bytebuddy.agent.ByteBuddyAgent;

/**
 * How a request reaches the target: by loading the agent jar that travels inside attach.jar. Also when the agent
 * already runs there (a startup agent, or an earlier attach): the JVM calls agentmain again and the loaded agent
 * takes the request, so the CLI never starts the target's management agent (which would leave an RMI port open for
 * the target's lifetime). The agent answers in the status file named in the options. A JVM in another mount
 * namespace (a container) is reached by {@link HotSpotAttach}, any other by the JDK's client.
 */
final class LoadAgentChannel {
  private final TargetProcess target;
  private final TargetFiles files;

  LoadAgentChannel(TargetProcess target, TargetFiles files) {
    this.target = target;
    this.files = files;
  }

  /**
   * Hands the request to the agent and returns; the agent works on in the target. An agent that receives it only
   * after {@code expiry} writes no packet (see {@link RequestExpiry}).
   */
  void start(PacketOptions options, RequestExpiry expiry) throws CliFailure {
    String args = options.toAgentArgs() + "," + StatusProtocol.OPTION + "=" + StatusProtocol.VERSION + ","
        + expiry.option();
    if (!target.sameMountNamespace()) {
      new HotSpotAttach(target).loadAgent(files.agentJar(), args);
      return;
    }
    try {
      ByteBuddyAgent.attach(files.agentJar().toFile(), Long.toString(target.pid), args);
    } catch (RuntimeException e) {
      throw AttachFailure.of(target, e);
    }
  }
}
