package dev.supportpacket.agent;

import dev.supportpacket.agent.audit.PacketAudit;
import dev.supportpacket.agent.options.PacketOptions;
import dev.supportpacket.agent.trigger.FailureKind;
import dev.supportpacket.agent.trigger.PacketResult;
import dev.supportpacket.agent.trigger.StatusFile;
import dev.supportpacket.agent.trigger.TriggerContext;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.security.Principal;
import java.util.Set;
import java.util.StringJoiner;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import javax.management.InstanceAlreadyExistsException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/** The MBean behind {@link SupportPacketMBean}; one per JVM, registered by whichever of premain/agentmain comes first. */
public final class SupportPacket implements SupportPacketMBean {
  public static final String OBJECT_NAME = "dev.supportpacket:type=SupportPacket";

  private final PacketOptions startup;
  private final LongSupplier ignoredSignals;
  private final Supplier<PacketService> service;
  private final PacketAudit audit;

  private SupportPacket(PacketOptions startup, LongSupplier ignoredSignals, Supplier<PacketService> service,
      PacketAudit audit) {
    this.startup = startup;
    this.service = service;
    this.ignoredSignals = ignoredSignals;
    this.audit = audit;
  }

  /**
   * Registers the MBean unless it already is (a second attach, or attach after a startup agent): idempotent and safe
   * to race. Note that this creates the platform MBean server if nobody has yet.
   *
   * @param startup the startup agent's options: every {@code createPacket} keeps their settings and may only change
   *     the request within them (see {@link dev.supportpacket.agent.options.PacketRequest})
   * @param service the JVM's one packet service, shared with the other triggers; made on first use
   * @param audit the service's audit, which records the requests refused before they reach the service
   * @throws JMException when the MBean server refuses the registration
   */
  public static void register(PacketOptions startup, LongSupplier ignoredSignals, Supplier<PacketService> service,
      PacketAudit audit) throws JMException {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    ObjectName name = new ObjectName(OBJECT_NAME);
    if (server.isRegistered(name)) {
      return;
    }
    try {
      server.registerMBean(new SupportPacket(startup, ignoredSignals, service, audit), name);
    } catch (InstanceAlreadyExistsException e) {
      // registered by a concurrent premain/agentmain: the same MBean, nothing to do
    }
  }

  @Override
  public String createPacket() {
    return createPacket("");
  }

  @Override
  public String createPacket(String args) {
    TriggerContext caller = caller();
    PacketOptions options;
    try {
      // Only what a trigger may ask (PacketRequest), on top of the operator's settings; no status file, no claims.
      options = PacketOptions.forTrigger(args, startup, TriggerContext.Kind.JMX.label());
    } catch (IllegalArgumentException e) {
      // Recorded where the operator's settings say, not where the caller asked.
      audit.rejectedOptions(caller, e.getMessage(), startup.auditConfig(), startup.settings().outputDir());
      throw new IllegalArgumentException("bad options: " + e.getMessage());
    }
    PacketResult r = service.get().create(options, caller, new StatusFile(null));
    if (r.path().isPresent()) {
      return r.path().get().toString();
    }
    // A JDK exception type so that jconsole and remote clients without our classes can show it.
    throw new IllegalStateException(r.failure().map(k -> k.name() + ": ").orElse("") + r.message());
  }

  @Override
  public String getLastPacketPath() {
    return service.get().lastWritten().map(Object::toString).orElse("");
  }

  @Override
  public String getLastOutcome() {
    return service.get().lastResult().map(SupportPacket::outcome).orElse("none");
  }

  @Override
  public boolean isInProgress() {
    return service.get().inProgress().isPresent();
  }

  @Override
  public long getIgnoredSignals() {
    return ignoredSignals.getAsLong();
  }

  private static String outcome(PacketResult r) {
    if (r.path().isPresent()) {
      return r.message();
    }
    return "failed " + r.failure().map(Enum::name).orElse(FailureKind.INTERNAL.name()) + ": " + r.message();
  }

  /** Who is calling, as far as the connector tells: the authenticated principals and the RMI client's address. */
  static TriggerContext caller() {
    String host;
    try {
      host = java.rmi.server.RemoteServer.getClientHost();
    } catch (java.rmi.server.ServerNotActiveException e) {
      host = "localhost"; // not an RMI call: in-process, e.g. the application itself or a local agent
    } catch (RuntimeException | LinkageError e) {
      host = null; // a runtime image without java.rmi
    }
    return TriggerContext.jmx(principals(), host);
  }

  /**
   * The caller's principals: {@code Subject.current()} from JDK 18 (the only way from JDK 24, where
   * {@code Subject.getSubject} throws), {@code Subject.getSubject(AccessController.getContext())} before.
   * Reflective because we compile for 11 and the old way is deprecated for removal.
   */
  private static String principals() {
    try {
      Object subject;
      try {
        subject = javax.security.auth.Subject.class.getMethod("current").invoke(null);
      } catch (NoSuchMethodException e) {
        Class<?> controller = Class.forName("java.security.AccessController");
        Object context = controller.getMethod("getContext").invoke(null);
        Method getSubject = javax.security.auth.Subject.class.getMethod("getSubject",
            Class.forName("java.security.AccessControlContext"));
        subject = getSubject.invoke(null, context);
      }
      if (subject == null) {
        return null;
      }
      Set<Principal> ps = ((javax.security.auth.Subject) subject).getPrincipals();
      StringJoiner names = new StringJoiner(",");
      ps.forEach(p -> names.add(p.getName()));
      return names.length() == 0 ? null : names.toString();
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      return null;
    }
  }
}
