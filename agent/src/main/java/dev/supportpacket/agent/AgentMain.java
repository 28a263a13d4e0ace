package dev.supportpacket.agent;

import dev.supportpacket.agent.boot.AgentClassLoader;
import dev.supportpacket.agent.boot.Daemon;
import dev.supportpacket.agent.options.PacketOptions;
import dev.supportpacket.agent.options.RequestExpiry;
import dev.supportpacket.agent.trigger.FailureKind;
import dev.supportpacket.agent.trigger.SignalTrigger;
import dev.supportpacket.agent.trigger.StatusFile;
import java.io.PrintStream;
import java.lang.instrument.Instrumentation;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Entry point in the target JVM. Nothing here may throw into the host: a failure goes to the status file (attach) or
 * to one {@code support-packet:} line on stderr (startup). Safe to call any number of times: the class stays loaded
 * between attaches, and the packet service guards against overlapping packets.
 *
 * <p>Loads as little as it can, since the startup agent runs inside the application's start (bench/startup-cost.sh):
 * premain only starts a thread, which reads the options and installs the signal handler while the application
 * starts. The packet code comes from {@link AgentClassLoader} when a trigger fires. No lambdas, method references or
 * string concatenation on the startup path: the first of each in a JVM bootstraps dozens of java.lang.invoke classes.
 */
public final class AgentMain {
  /** How many times premain/agentmain ran in this JVM: a second load of the agent would show here. */
  public static final String LOADS_PROPERTY = "dev.supportpacket.agent.loads";

  /**
   * Creating the platform MBean server loads some 500 classes and initializes java.util.logging: measured at well
   * over 100 ms of CPU, so not in the application's startup window (bench/startup-cost.sh).
   */
  static final long MBEAN_DELAY_MILLIS = 5000;

  private static final String PREFIX = "support-packet: ";

  private AgentMain() {}

  /**
   * Started with the application ({@code -javaagent}): starts one daemon thread that sets up the triggers (see
   * {@link #startTriggers}) and returns at once, so that the application's start does not wait for even that.
   */
  public static void premain(final String args, final Instrumentation inst) {
    final PrintStream err = System.err;
    try {
      markLoaded();
      Daemon.start("triggers", new Runnable() {
        @Override
        public void run() {
          try {
            // Here, not in premain: loading the class loader's class is no work for the application's start.
            AgentClassLoader.instrumentation(inst);
          } catch (Throwable t) {
            // A damaged jar: startTriggers says so when it loads the packet code; without this only less is found.
          }
          startTriggers(args, err);
        }
      });
    } catch (Throwable t) {
      err.println(PREFIX + "the startup agent failed (" + t + "); the signal and JMX triggers are off");
    }
  }

  /**
   * Checks the options, installs the signal handler, registers the MBean a few seconds later, and ends. A bad option
   * disables both triggers and says so in one line; the application runs on either way.
   */
  static void startTriggers(String args, PrintStream err) {
    LongSupplier ignoredSignals;
    try {
      PacketOptions options;
      try {
        options = PacketOptions.parse(args);
      } catch (IllegalArgumentException e) {
        err.println(PREFIX + "bad -javaagent option: " + e.getMessage() + "; the signal and JMX triggers are off");
        return;
      }
      try {
        ignoredSignals = SignalTrigger.install(options, args, err);
      } catch (IllegalArgumentException e) {
        err.println(PREFIX + "bad -javaagent option signal=" + options.signal() + ": " + e.getMessage()
            + "; the signal and JMX triggers are off");
        return;
      }
    } catch (Throwable t) {
      err.println(PREFIX + "the startup agent failed (" + t + "); the signal and JMX triggers are off");
      return;
    }
    try {
      Thread.sleep(MBEAN_DELAY_MILLIS);
      AgentClassLoader.bridge().registerMBean(args, ignoredSignals);
    } catch (InterruptedException e) {
      // the JVM is going down
    } catch (Throwable t) {
      // Not SupportPacket.OBJECT_NAME: this class is loaded by the application's loader, which does not see that one.
      err.println(PREFIX + "cannot register the JMX MBean (" + t + "); the JMX trigger is off");
    }
  }

  /**
   * Loaded by the attach CLI, the first time or again (the JVM calls agentmain on each load of the same jar, and a
   * jar already on the class path is not added twice): writes one packet in the background. This is also how the
   * CLI reaches an agent that is already running, so that nothing ever needs a port.
   */
  public static void agentmain(String args, Instrumentation inst) {
    try {
      if (expired(args, System.currentTimeMillis())) {
        return;
      }
      boolean loadedBefore = markLoaded() > 1;
      AgentClassLoader.instrumentation(inst);
      AgentClassLoader.bridgeForAttach().packetOnAttach(args, loadedBefore);
    } catch (Throwable t) {
      // Only when the packet code cannot even be loaded (a damaged jar): the CLI follows the status file.
      PacketOptions.statusFileIn(args)
          .ifPresent(p -> new StatusFile(p).failed(FailureKind.INTERNAL, "the agent cannot load its code: " + t));
    }
  }

  /**
   * True when the request came after the expiry the attach CLI gave it (see {@link RequestExpiry}); then its only
   * trace is one status line: the packet code is not even loaded, so a JVM that has just recovered pays nothing more.
   */
  static boolean expired(String args, long nowMillis) {
    Optional<RequestExpiry> expiry = RequestExpiry.in(args);
    if (!expiry.isPresent() || !expiry.get().passed(nowMillis)) {
      return false;
    }
    Optional<Path> status = PacketOptions.statusFileIn(args);
    if (status.isPresent()) {
      new StatusFile(status.get()).failed(FailureKind.EXPIRED, expiry.get().lateMessage(nowMillis));
    }
    return true;
  }

  /** Counts this load and returns the count, this one included. */
  private static synchronized int markLoaded() {
    int loads = Integer.getInteger(LOADS_PROPERTY, 0) + 1;
    System.setProperty(LOADS_PROPERTY, Integer.toString(loads));
    return loads;
  }
}
