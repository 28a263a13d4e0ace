package dev.supportpacket.agent.sanitize;

import java.lang.management.ManagementFactory;
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
    for (Map.Entry<String, String> e : System.getenv().entrySet()) {
      sanitizer.learn(e.getKey(), e.getValue());
    }
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      learnArgument(sanitizer, arg);
    }
    for (String arg : System.getProperty("sun.java.command", "").split("\\s+")) {
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
