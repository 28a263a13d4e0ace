package dev.supportpacket.cli;

import dev.supportpacket.agent.options.PacketOptions;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * Triggers the agent that already runs in the target through its MBean, over the JVM's local JMX connector. The
 * operation blocks until the packet is written, so it runs on a daemon thread while {@link PacketRequest} follows the
 * status file for progress; the call's own answer only matters when the connection breaks.
 */
final class JmxAgentChannel implements AgentChannel {
  /** The agent's MBean; see {@code SupportPacket.OBJECT_NAME}. */
  static final String OBJECT_NAME = "dev.supportpacket:type=SupportPacket";

  private final TargetProcess target;
  private final JMXConnector connector;
  private final String agentVersion;
  private final AtomicReference<CliFailure> broken = new AtomicReference<>();

  private JmxAgentChannel(TargetProcess target, JMXConnector connector, String agentVersion) {
    this.target = target;
    this.connector = connector;
    this.agentVersion = agentVersion;
  }

  static JmxAgentChannel connect(TargetProcess target, String address, String agentVersion) throws CliFailure {
    try {
      JMXConnector c = JMXConnectorFactory.connect(new JMXServiceURL(address));
      return new JmxAgentChannel(target, c, agentVersion);
    } catch (IOException | RuntimeException e) {
      throw new CliFailure(ExitCode.AGENT_FAILED, "pid " + target.pid + " runs the support-packet agent "
          + agentVersion + " but its local JMX connector at " + address + " cannot be reached: " + e);
    }
  }

  @Override
  public String phase() {
    return "asking the running agent " + agentVersion;
  }

  @Override
  public void start(PacketOptions options) throws CliFailure {
    ObjectName name;
    try {
      name = new ObjectName(OBJECT_NAME);
      if (!connector.getMBeanServerConnection().isRegistered(name)) {
        // The property is set before the MBean is registered (from a daemon thread, at startup).
        throw new CliFailure(ExitCode.AGENT_FAILED, "pid " + target.pid + " runs the support-packet agent but "
            + OBJECT_NAME + " is not registered (yet, or it failed: see the application's stderr); try again");
      }
    } catch (IOException | MalformedObjectNameException e) {
      throw new CliFailure(ExitCode.AGENT_FAILED, "the JMX connection to pid " + target.pid + " failed: " + e);
    }
    Thread call = new Thread(() -> invoke(name, options.toAgentArgs()), "support-packet-jmx-call");
    call.setDaemon(true);
    call.start();
  }

  private void invoke(ObjectName name, String args) {
    try {
      connector.getMBeanServerConnection().invoke(name, "createPacket", new Object[] {args},
          new String[] {String.class.getName()});
    } catch (IOException e) {
      broken.set(new CliFailure(target.alive() ? ExitCode.AGENT_FAILED : ExitCode.TARGET_DIED,
          "the JMX connection to pid " + target.pid + " broke: " + e));
    } catch (InstanceNotFoundException e) {
      broken.set(new CliFailure(ExitCode.AGENT_FAILED, OBJECT_NAME + " went away in pid " + target.pid));
    } catch (JMException | RuntimeException e) {
      // The agent refused or failed: it also said so in the status file, which is read before this.
      broken.set(new CliFailure(ExitCode.AGENT_FAILED, "the agent in pid " + target.pid + " answered: "
          + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage())));
    }
  }

  @Override
  public Optional<CliFailure> broken() {
    return Optional.ofNullable(broken.get());
  }

  @Override
  public void close() {
    try {
      connector.close();
    } catch (IOException e) {
      // the target went away; the connection is gone either way
    }
  }
}
