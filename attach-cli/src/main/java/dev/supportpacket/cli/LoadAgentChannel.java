package dev.supportpacket.cli;

import dev.supportpacket.agent.options.PacketOptions;
import java.util.Optional;
import net.bytebuddy.agent.ByteBuddyAgent;

/**
 * Loads the agent jar that travels inside attach.jar into the target; its agentmain writes the packet. A JVM in
 * another mount namespace (a container) is reached by {@link HotSpotAttach}, any other by the JDK's client.
 */
final class LoadAgentChannel implements AgentChannel {
  private final TargetProcess target;
  private final TargetFiles files;

  LoadAgentChannel(TargetProcess target, TargetFiles files) {
    this.target = target;
    this.files = files;
  }

  @Override
  public String phase() {
    return "attaching";
  }

  @Override
  public void start(PacketOptions options) throws CliFailure {
    if (!target.sameMountNamespace()) {
      new HotSpotAttach(target).loadAgent(files.agentJar(), options.toAgentArgs());
      return;
    }
    try {
      ByteBuddyAgent.attach(files.agentJar().toFile(), Long.toString(target.pid), options.toAgentArgs());
    } catch (RuntimeException e) {
      throw AttachFailure.of(target, e);
    }
  }

  @Override
  public Optional<CliFailure> broken() {
    return Optional.empty();
  }

  @Override
  public void close() {
    // the agent stays loaded in the target by design; nothing of ours to release here
  }
}
