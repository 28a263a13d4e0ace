import com.sun.tools.attach.VirtualMachine;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * One way of reaching the support-packet agent that already runs in a JVM, timed from this JVM's main to the
 * agent's answer (the JVM start before main is the same for every way, and left out). Run by bench/reach-agent.sh;
 * source-launched, nothing of it ships.
 *
 * <p>Each way asks for a packet the agent refuses at once, so that only reaching it is timed:
 * <ul>
 *   <li>{@code attach}: what the CLI does now: attach, load the agent jar again (agentmain), and wait for the agent's
 *       first status line; the request carries a protocol the agent refuses.</li>
 *   <li>{@code jmx}: what the CLI did before: attach, read the system properties, start the local management agent
 *       (an RMI connector the target keeps for its life), connect, and call {@code createPacket} with a key the MBean
 *       refuses.</li>
 * </ul>
 * Prints the milliseconds.
 */
public final class ReachAgent {
  public static void main(String[] args) throws Exception {
    String way = args[0];
    String pid = args[1];
    long t0 = System.nanoTime();
    if (way.equals("attach")) {
      Path status = Files.createTempFile("reach-agent-", ".txt");
      try {
        VirtualMachine vm = VirtualMachine.attach(pid);
        try {
          vm.loadAgent(args[2], "status=" + status + ",protocol=0");
        } finally {
          vm.detach();
        }
        while (!Files.readString(status).contains("\n")) {
          Thread.sleep(1);
        }
      } finally {
        Files.deleteIfExists(status);
      }
    } else {
      VirtualMachine vm = VirtualMachine.attach(pid);
      String address;
      try {
        vm.getSystemProperties();
        address = vm.startLocalManagementAgent();
      } finally {
        vm.detach();
      }
      try (JMXConnector c = JMXConnectorFactory.connect(new JMXServiceURL(address))) {
        MBeanServerConnection server = c.getMBeanServerConnection();
        ObjectName name = new ObjectName("dev.supportpacket:type=SupportPacket");
        server.isRegistered(name);
        try {
          server.invoke(name, "createPacket", new Object[] {"bench-refused=1"}, new String[] {"java.lang.String"});
          throw new IllegalStateException("the agent took a request it should refuse");
        } catch (javax.management.RuntimeMBeanException expected) {
          // refused: the answer came back
        }
      }
    }
    System.out.println((System.nanoTime() - t0) / 1_000_000);
  }
}
