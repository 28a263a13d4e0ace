package dev.supportpacket.agent;

import dev.supportpacket.agent.audit.PacketAudit;
import dev.supportpacket.agent.boot.Daemon;
import dev.supportpacket.agent.collect.Headroom;
import dev.supportpacket.agent.options.PacketOptions;
import dev.supportpacket.agent.trigger.FailureKind;
import dev.supportpacket.agent.trigger.StatusFile;
import dev.supportpacket.agent.trigger.SupportPacket;
import dev.supportpacket.agent.trigger.TriggerContext;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.LongSupplier;
import javax.management.JMException;

/**
 * What {@link AgentMain} and the signal handler ask of the packet code, which {@code AgentClassLoader} loads apart
 * from them: they call these methods by name, so parameters and results are JDK types only, and agent options travel
 * as the argument string.
 */
public final class AgentCore {
  /**
   * This agent's version, set once its MBean is registered: the attach CLI reads it to trigger the running agent over
   * JMX instead of loading it again. Set only then, so that the CLI never finds the agent without its MBean.
   */
  public static final String VERSION_PROPERTY = "dev.supportpacket.agent.version";

  private AgentCore() {}

  /**
   * Registers the MBean unless it already is.
   *
   * @param defaultArgs the agent options a {@code createPacket} starts from; already checked at startup
   * @param ignoredSignals the signal trigger's count of refused signals
   */
  public static void registerMBean(String defaultArgs, LongSupplier ignoredSignals) throws JMException {
    SupportPacket.register(PacketOptions.parse(defaultArgs), ignoredSignals);
    System.setProperty(VERSION_PROPERTY, AppIdentity.generatorVersion());
  }

  /** Writes a packet for the signal {@code SIG<signal>} and returns the line that tells the outcome on stderr. */
  public static String packetOnSignal(String args, String signal) {
    PacketOptions options = PacketOptions.parse(args).toBuilder().trigger(TriggerContext.Kind.SIGNAL.label()).build();
    PacketResult r = PacketService.shared().create(options, TriggerContext.signal(signal), new StatusFile(null));
    if (r.path().isPresent()) {
      return "support-packet: SIG" + signal + ": packet written (" + r.message() + "): " + r.path().get();
    }
    return "support-packet: SIG" + signal + ": no packet: " + r.message();
  }

  /**
   * Loaded by the attach CLI: writes one packet in the background. Bad options are told in the status file the CLI follows and in the audit log; nothing is thrown.
   */
  public static void packetOnAttach(String args) {
    Optional<Path> statusPath = Optional.empty();
    try {
      statusPath = PacketOptions.statusFileIn(args);
      PacketOptions options = PacketOptions.parse(args);
      StatusFile status = new StatusFile(options.statusFile().orElse(null));
      Optional<String> heapTooFull = Headroom.now().refusalToStart();
      if (heapTooFull.isPresent()) {
        // Not audited either: the audit log's code and keys cost heap too; the CLI tells the operator.
        status.failed(FailureKind.HEAP_TOO_FULL, heapTooFull.get());
        return;
      }
      Daemon.start("main", () -> PacketService.shared().create(options, status));
      // No MBean for later requests: it would keep this loader, and the packet code with it, in the heap for good
      // (some 4 MB with the MBean server); the CLI's next request loads the agent again, which finds this loader
      // while it lives (AgentClassLoader.callCoreForAttach).
    } catch (Throwable t) {
      statusPath.ifPresent(p -> new StatusFile(p).failed(FailureKind.BAD_OPTIONS, String.valueOf(t.getMessage())));
      PacketAudit.rejectedOptions(TriggerContext.attach(), String.valueOf(t.getMessage()));
    }
  }
}
