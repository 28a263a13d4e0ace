package dev.supportpacket.agent;

import dev.supportpacket.agent.report.AppIdentity;
import dev.supportpacket.agent.audit.PacketAudit;
import dev.supportpacket.agent.boot.AgentBridge;
import dev.supportpacket.agent.boot.Daemon;
import dev.supportpacket.agent.collect.Headroom;
import dev.supportpacket.agent.collect.LoadedClasses;
import dev.supportpacket.agent.options.AgentArgs;
import dev.supportpacket.agent.options.PacketOptions;
import dev.supportpacket.agent.trigger.FailureKind;
import dev.supportpacket.agent.trigger.PacketResult;
import dev.supportpacket.agent.trigger.StatusFile;
import dev.supportpacket.agent.trigger.StatusProtocol;
import dev.supportpacket.agent.trigger.TriggerContext;
import java.lang.instrument.Instrumentation;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.LongSupplier;
import javax.management.JMException;

/**
 * The packet code's side of the {@link AgentBridge}: what {@link AgentMain} and the signal handler ask of it. One
 * instance per JVM (made by {@code AgentClassLoader.bridge()}), which owns the one {@link PacketService}.
 */
public final class AgentCore implements AgentBridge {
  /** This agent's version, set once the startup agent's MBean is registered (tests and benchmarks wait for it). */
  public static final String VERSION_PROPERTY = "dev.supportpacket.agent.version";

  /** Made on first use: a startup agent's MBean registration must not load the collectors. */
  private PacketService service;

  private final LoadedClasses loaded;
  /** The audit logs of this core's requests, refused ones included. */
  private final PacketAudit audit = new PacketAudit();

  /** For {@code AgentClassLoader} only. */
  public AgentCore() {
    this(null);
  }

  /**
   * For {@code AgentClassLoader} only.
   *
   * @param inst the instrumentation the JVM gave premain or agentmain; null when none
   */
  public AgentCore(Instrumentation inst) {
    this.loaded = LoadedClasses.of(inst);
  }

  private synchronized PacketService service() {
    if (service == null) {
      service = PacketService.withDefaultCollectors(loaded, audit);
    }
    return service;
  }

  /**
   * Registers the MBean unless it already is.
   *
   * @param defaultArgs the agent options a {@code createPacket} starts from; already checked at startup
   * @param ignoredSignals the signal trigger's count of refused signals
   */
  @Override
  public void registerMBean(String defaultArgs, LongSupplier ignoredSignals) throws JMException {
    SupportPacket.register(PacketOptions.parse(defaultArgs), ignoredSignals, this::service, audit);
    System.setProperty(VERSION_PROPERTY, AppIdentity.generatorVersion());
  }

  /** Writes a packet for the signal {@code SIG<signal>} and returns the line that tells the outcome on stderr. */
  @Override
  public String packetOnSignal(String args, String signal) {
    PacketOptions options = PacketOptions.parse(args).toBuilder().trigger(TriggerContext.Kind.SIGNAL.label()).build();
    PacketResult r = service().create(options, TriggerContext.signal(signal), new StatusFile(null));
    if (r.path().isPresent()) {
      return "support-packet: SIG" + signal + ": packet written (" + r.message() + "): " + r.path().get();
    }
    return "support-packet: SIG" + signal + ": no packet: " + r.message();
  }

  /**
   * The attach CLI loaded the agent, for the first time in this JVM or again: agentmain is called each time, and
   * every call reaches this one packet service, so no port or connector is needed to reach a running agent. Answers
   * in the status file the CLI follows ({@link StatusProtocol}); bad options are told there and in the audit log;
   * nothing is thrown. Registers no MBean: a JMX trigger is the startup agent's, which the operator chose; an attach
   * must not leave one behind for whoever can reach the application's JMX.
   */
  @Override
  public void packetOnAttach(String args, boolean loadedBefore) {
    Optional<Path> statusPath = Optional.empty();
    try {
      statusPath = PacketOptions.statusFileIn(args);
      StatusFile status = new StatusFile(statusPath.orElse(null));
      String version = AppIdentity.generatorVersion();
      status.hello(version, loadedBefore);
      String mismatch = StatusProtocol.mismatch(AgentArgs.decode(args).get(StatusProtocol.OPTION), version);
      if (mismatch != null) {
        status.failed(FailureKind.BAD_OPTIONS, mismatch);
        audit.rejectedOptions(TriggerContext.attach(), mismatch, Optional.empty(), Optional.empty());
        return;
      }
      PacketOptions options = PacketOptions.parse(args);
      Optional<String> heapTooFull = Headroom.now().refusalToStart();
      if (heapTooFull.isPresent()) {
        // Not audited either: the audit log's code and keys cost heap too; the CLI tells the operator.
        status.failed(FailureKind.HEAP_TOO_FULL, heapTooFull.get());
        return;
      }
      Daemon.start("main", () -> service().create(options, status));
      // No MBean for later requests: it would keep this loader, and the packet code with it, in the heap for good
      // (some 4 MB with the MBean server); the CLI's next request loads the agent again, which finds this loader
      // while it lives (AgentClassLoader.bridgeForAttach).
    } catch (Throwable t) {
      statusPath.ifPresent(p -> new StatusFile(p).failed(FailureKind.BAD_OPTIONS, String.valueOf(t.getMessage())));
      audit.rejectedOptions(TriggerContext.attach(), String.valueOf(t.getMessage()), Optional.empty(),
          Optional.empty());
    }
  }
}
