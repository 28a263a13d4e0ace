package dev.supportpacket.agent.sanitize;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Learns the secrets the process itself declares (system properties, environment, JVM and program arguments) before
 * any collector runs, so that they are scrubbed literally from every entry: logs, thread names, JFR strings.
 */
public final class ProcessSecrets {
  private ProcessSecrets() {}

  public static void learnInto(Sanitizer sanitizer) {
    Properties props = (Properties) System.getProperties().clone();
    for (String name : props.stringPropertyNames()) {
      sanitizer.learn(name, props.getProperty(name));
    }
    List<String> args = new ArrayList<>(ManagementFactory.getRuntimeMXBean().getInputArguments());
    args.addAll(List.of(System.getProperty("sun.java.command", "").split("\\s+")));
    learnInto(sanitizer, System.getenv(), args);
  }

  /**
   * The same, for a process seen from outside (the attach CLI writing a packet of a JVM too full for the agent): its
   * environment and its arguments, as /proc and the JVM's own {@code VM.command_line} give them. Its system properties
   * set at run time cannot be read from outside without running code in it, and are not in such a packet either.
   */
  public static void learnInto(Sanitizer sanitizer, Map<String, String> environment, List<String> arguments) {
    for (Map.Entry<String, String> e : environment.entrySet()) {
      sanitizer.learn(e.getKey(), e.getValue());
    }
    for (String arg : arguments) {
      learnArgument(sanitizer, arg);
    }
  }

  /** {@code -Dkey=value}, {@code --key=value}, {@code -XX:Key=value}: by key; anything else by pattern. */
  static void learnArgument(Sanitizer sanitizer, String arg) {
    int eq = arg.indexOf('=');
    if (arg.startsWith("-") && eq > 1) {
      sanitizer.learn(arg.substring(0, eq), arg.substring(eq + 1));
    } else {
      sanitizer.learn("", arg);
    }
  }
}
