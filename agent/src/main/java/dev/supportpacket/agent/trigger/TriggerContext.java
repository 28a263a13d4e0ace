package dev.supportpacket.agent.trigger;

/**
 * Who asked for a packet, how and from where. Immutable; every field is non-null ({@code "unknown"} when not known).
 * Today it names the trigger in metadata.yaml; the audit record (issue 8) will take its user and client host from
 * here, so every trigger builds one at the point where the caller is still known.
 */
public final class TriggerContext {
  public static final String UNKNOWN = "unknown";

  /** How the request reached the agent. */
  public enum Kind {
    /** The attach CLI loaded the agent. */
    ATTACH("attach"),
    /** The startup agent's signal handler. */
    SIGNAL("signal"),
    /** The MBean's {@code createPacket} operation (jconsole, JMC, the attach CLI against a running agent). */
    JMX("jmx");

    private final String label;

    Kind(String label) {
      this.label = label;
    }

    /** The name written into metadata.yaml. */
    public String label() {
      return label;
    }
  }

  private final Kind kind;
  private final String user;
  private final String clientHost;

  private TriggerContext(Kind kind, String user, String clientHost) {
    this.kind = kind;
    this.user = user == null || user.isEmpty() ? UNKNOWN : user;
    this.clientHost = clientHost == null || clientHost.isEmpty() ? UNKNOWN : clientHost;
  }

  /** Dynamic attach: only a process of the target's own user (or root) can attach; the CLI names itself in the options. */
  public static TriggerContext attach() {
    return new TriggerContext(Kind.ATTACH, UNKNOWN, "localhost");
  }

  /** A signal carries no sender: the signal stands for the user, and it was necessarily sent on this host. */
  public static TriggerContext signal(String signalName) {
    return new TriggerContext(Kind.SIGNAL, "SIG" + signalName, "localhost");
  }

  /**
   * @param user the JMX principal(s), or null when the connection is not authenticated
   * @param clientHost the remote JMX client's address, "localhost" for an in-process call, null when not known
   */
  public static TriggerContext jmx(String user, String clientHost) {
    return new TriggerContext(Kind.JMX, user, clientHost);
  }

  public Kind kind() {
    return kind;
  }

  public String user() {
    return user;
  }

  public String clientHost() {
    return clientHost;
  }

  @Override
  public String toString() {
    return kind.label() + " by " + user + " from " + clientHost;
  }
}
