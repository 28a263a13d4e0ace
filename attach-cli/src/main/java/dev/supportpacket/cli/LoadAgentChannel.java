package dev.supportpacket.cli;

import dev.supportpacket.agent.options.PacketOptions;
import dev.supportpacket.agent.options.RequestExpiry;
import dev.supportpacket.agent.trigger.StatusProtocol;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import net.bytebuddy.agent.ByteBuddyAgent;

/**
 * How a request reaches the target: by loading the agent jar that travels inside attach.jar. Also when the agent
 * already runs there (a startup agent, or an earlier attach): the JVM calls agentmain again and the loaded agent
 * takes the request, so the CLI never starts the target's management agent (which would leave an RMI port open for
 * the target's lifetime). The agent answers in the status file named in the options.
 *
 * <p>On Linux the CLI speaks HotSpot's attach protocol itself ({@link HotSpotAttach}), to a JVM beside it as to one in
 * a container: the JDK's client speaks the same protocol to the same socket, but first loads about 150 classes (the
 * jdk.attach module, the target's perf data read through jvmstat to check it is attachable, byte-buddy-agent's
 * reflection), some 0.1 s on the clock of every packet. Elsewhere (no /proc), and when the CLI itself runs on OpenJ9, whose
 * own client speaks OpenJ9's attach mechanism, the JDK's client is used.
 */
final class LoadAgentChannel {
  private final TargetProcess target;
  private final Path agentJar;

  /** @param agentJar as the target names it */
  LoadAgentChannel(TargetProcess target, Path agentJar) {
    this.target = target;
    this.agentJar = agentJar;
  }

  /**
   * Hands the request to the agent and returns; the agent works on in the target. An agent that receives it only
   * after {@code expiry} writes no packet (see {@link RequestExpiry}).
   */
  void start(PacketOptions options, RequestExpiry expiry) throws CliFailure {
    String args = options.toAgentArgs() + "," + StatusProtocol.OPTION + "=" + StatusProtocol.VERSION + ","
        + expiry.option();
    if (Files.isDirectory(Paths.get("/proc/self")) && !System.getProperty("java.vm.name", "").contains("J9")) {
      new HotSpotAttach(target).loadAgent(agentJar, args);
      return;
    }
    try {
      ByteBuddyAgent.attach(agentJar.toFile(), Long.toString(target.pid), args);
    } catch (RuntimeException e) {
      throw AttachFailure.of(target, e);
    }
  }
}
