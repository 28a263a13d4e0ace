package dev.supportpacket.agent;

import dev.supportpacket.agent.audit.PacketAudit;
import dev.supportpacket.agent.collect.CollectorRunner;
import dev.supportpacket.agent.options.PacketOptions;
import dev.supportpacket.agent.trigger.FailureKind;
import dev.supportpacket.agent.trigger.RateLimiter;
import dev.supportpacket.agent.trigger.SignalTrigger;
import dev.supportpacket.agent.trigger.StatusFile;
import dev.supportpacket.agent.trigger.SupportPacket;
import dev.supportpacket.agent.trigger.TriggerContext;
import java.io.PrintStream;
import java.lang.instrument.Instrumentation;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Entry point in the target JVM. Nothing here may throw into the host: a failure goes to the status file (attach) or
 * to one {@code support-packet:} line on stderr (startup). Safe to call any number of times: the class stays loaded
 * between attaches, and {@link PacketService#shared()} guards against overlapping packets.
 *
 * <p>Loads as little as it can: the packet service and the collectors are loaded by the first trigger, not here.
 */
public final class AgentMain {
  /**
   * This agent's version, set once its MBean is registered: the attach CLI reads it to trigger the running agent over
   * JMX instead of loading it again. Set only then, so that the CLI never finds the agent without its MBean.
   */
  public static final String VERSION_PROPERTY = "dev.supportpacket.agent.version";
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
   * Started with the application ({@code -javaagent}): installs the signal handler, starts a daemon thread that
   * registers the MBean a few seconds later and ends, and returns. A bad option disables both and says so in one line; the application
   * starts either way.
   */
  public static void premain(String args, Instrumentation inst) {
    PrintStream err = System.err;
    try {
      markLoaded();
      PacketOptions options;
      try {
        options = PacketOptions.parse(args);
      } catch (IllegalArgumentException e) {
        err.println(PREFIX + "bad -javaagent option: " + e.getMessage() + "; the signal and JMX triggers are off");
        return;
      }
      LongSupplier ignoredSignals;
      try {
        ignoredSignals = SignalTrigger.install(options, err);
      } catch (IllegalArgumentException e) {
        err.println(PREFIX + "bad -javaagent option signal=" + options.signal() + ": " + e.getMessage()
            + "; the signal and JMX triggers are off");
        return;
      }
      // An anonymous class, not a lambda: see RateLimiter.SYSTEM_CLOCK.
      startDaemon("jmx", new Runnable() {
        @Override
        public void run() {
          try {
            Thread.sleep(MBEAN_DELAY_MILLIS);
          } catch (InterruptedException e) {
            return;
          }
          registerMBean(options, ignoredSignals, err);
        }
      });
    } catch (Throwable t) {
      err.println(PREFIX + "the startup agent failed (" + t + "); the signal and JMX triggers are off");
    }
  }

  /** Loaded by the attach CLI: registers the MBean for later triggers, then writes one packet in the background. */
  public static void agentmain(String args, Instrumentation inst) {
    Optional<Path> statusPath = Optional.empty();
    try {
      markLoaded();
      statusPath = PacketOptions.statusFileIn(args);
      PacketOptions options = PacketOptions.parse(args);
      StatusFile status = new StatusFile(options.statusFile().orElse(null));
      startDaemon("main", () -> {
        // The MBean first, so that the CLI's next request finds it; a packet is still written if JMX fails.
        registerMBean(PacketOptions.parse(null), RateLimiter.NONE_REFUSED, null);
        PacketService.shared().create(options, status);
      });
    } catch (Throwable t) {
      statusPath.ifPresent(p -> new StatusFile(p).failed(FailureKind.BAD_OPTIONS, String.valueOf(t.getMessage())));
      PacketAudit.rejectedOptions(TriggerContext.attach(), args, String.valueOf(t.getMessage()));
    }
  }

  private static void registerMBean(PacketOptions defaults, LongSupplier ignoredSignals, PrintStream err) {
    try {
      SupportPacket.register(defaults, ignoredSignals);
      System.setProperty(VERSION_PROPERTY, AppIdentity.generatorVersion());
    } catch (Throwable t) {
      if (err != null) {
        err.println(PREFIX + "cannot register the MBean " + SupportPacket.OBJECT_NAME + " (" + t
            + "); the JMX trigger is off");
      }
    }
  }

  private static void startDaemon(String name, Runnable task) {
    Thread t = new Thread(task, CollectorRunner.THREAD_PREFIX + name);
    t.setDaemon(true);
    t.start();
  }

  private static synchronized void markLoaded() {
    System.setProperty(LOADS_PROPERTY, Integer.toString(Integer.getInteger(LOADS_PROPERTY, 0) + 1));
  }
}
