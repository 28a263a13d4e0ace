package dev.supportpacket.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Set;
import javax.management.JMX;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import javax.management.remote.JMXAuthenticator;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXConnectorServer;
import javax.management.remote.JMXConnectorServerFactory;
import javax.management.remote.JMXPrincipal;
import javax.management.remote.JMXServiceURL;
import javax.security.auth.Subject;
import org.junit.jupiter.api.Test;

/**
 * Who a JMX call comes from, through a real RMI connector with authentication: the principal of the caller's
 * Subject ({@code Subject.current()} from JDK 18, {@code Subject.getSubject} before) and the client's address.
 */
class JmxCallerTest {
  /** Reports what {@link SupportPacket#caller()} sees from inside an MBean operation. */
  public interface CallerProbeMBean {
    String getCaller();
  }

  public static final class CallerProbe implements CallerProbeMBean {
    @Override
    public String getCaller() {
      return SupportPacket.caller().toString();
    }
  }

  @Test
  void anAuthenticatedRemoteCallerIsNamedWithItsAddress() throws Exception {
    assertEquals("jmx by alice from 127.0.0.1", callAs(credentials -> new Subject(true,
        Set.of(new JMXPrincipal(((String[]) credentials)[0])), Set.of(), Set.of())));
  }

  @Test
  void anUnauthenticatedRemoteCallerIsUnknownButItsAddressIsKept() throws Exception {
    assertEquals("jmx by unknown from 127.0.0.1", callAs(null));
  }

  @Test
  void anInProcessCallIsLocal() {
    assertEquals("jmx by unknown from localhost", SupportPacket.caller().toString());
  }

  private static String callAs(JMXAuthenticator authenticator) throws Exception {
    MBeanServer server = MBeanServerFactory.newMBeanServer();
    ObjectName name = new ObjectName("test:type=CallerProbe");
    server.registerMBean(new CallerProbe(), name);
    Map<String, Object> env = authenticator == null ? Map.of() : Map.of(JMXConnectorServer.AUTHENTICATOR, authenticator);
    JMXConnectorServer connector = JMXConnectorServerFactory.newJMXConnectorServer(
        new JMXServiceURL("service:jmx:rmi://127.0.0.1"), env, server);
    connector.start();
    try (JMXConnector client = JMXConnectorFactory.connect(connector.getAddress(),
        Map.of(JMXConnector.CREDENTIALS, new String[] {"alice", "secret"}))) {
      return JMX.newMBeanProxy(client.getMBeanServerConnection(), name, CallerProbeMBean.class).getCaller();
    } finally {
      connector.stop();
    }
  }
}
