package dev.supportpacket.agent.collect;

import java.lang.management.ManagementFactory;
import javax.management.JMException;
import javax.management.ObjectName;

/** The JVM's own diagnostic commands (what {@code jcmd} runs), called in-process through their MBean. */
public final class DiagnosticCommands {
  private DiagnosticCommands() {}

  /**
   * Runs one diagnostic command.
   *
   * @param operation the MBean operation, e.g. {@code gcClassHistogram} for {@code GC.class_histogram}
   * @return the command's text output, never null
   * @throws JMException when the command does not exist in this JVM or fails
   */
  public static String run(String operation, String... args) throws JMException {
    ObjectName name = new ObjectName("com.sun.management:type=DiagnosticCommand");
    Object out =
        ManagementFactory.getPlatformMBeanServer()
            .invoke(name, operation, new Object[] {args}, new String[] {String[].class.getName()});
    return out == null ? "" : out.toString();
  }
}
