package dev.supportpacket.agent.trigger;

import java.util.Optional;

/**
 * The one definition of the lines the agent appends to the status file and the attach CLI reads: both sides use
 * this class, and the first line carries {@link #VERSION} so that a CLI and an agent of different releases (a
 * startup agent older than the CLI) notice instead of misreading each other.
 *
 * <pre>
 * hello &lt;protocol&gt; &lt;agentVersion&gt; first|again   the agent took the request; "again": it was loaded before
 * phase &lt;name&gt; &lt;secondsLeft&gt; [&lt;bytes&gt;]             progress
 * part &lt;kind&gt; &lt;name&gt;                            a raw recording's first part waits there, while it runs
 * work &lt;kind&gt; &lt;name&gt;                            a raw recording waits in the CLI's hand-over directory
 * done complete|incomplete &lt;path&gt;                  the packet
 * failed &lt;FailureKind&gt; &lt;message&gt;                 no packet
 * </pre>
 *
 * The CLI sends its own version as the agent option {@value #OPTION}; an agent that speaks another refuses the
 * request in a {@code failed BAD_OPTIONS} line naming both.
 */
public final class StatusProtocol {
  /**
   * 2: the request carries its expiry ({@code expires}, see {@code RequestExpiry}), which an agent of protocol 1 would
   * refuse as an unknown option; the version tells it apart with a clear message instead. 3: the CLI reads the raw
   * recordings back itself ({@code handoff}, {@value #WORK} lines; see {@code RecordingHandoff}). 4: it reads their
   * first part while they run ({@value #PART} lines).
   */
  public static final int VERSION = 4;
  /** The agent option that carries the CLI's protocol version. */
  public static final String OPTION = "protocol";

  public static final String HELLO = "hello";
  public static final String PHASE = "phase";
  public static final String PART = "part";
  public static final String WORK = "work";
  public static final String DONE = "done";
  public static final String FAILED = "failed";

  private StatusProtocol() {}

  static String hello(String agentVersion, boolean loadedBefore) {
    return HELLO + " " + VERSION + " " + agentVersion.replace(' ', '_') + " " + (loadedBefore ? "again" : "first");
  }

  static String phase(String name, long secondsLeft, long bytes) {
    return PHASE + " " + name + " " + secondsLeft + (bytes >= 0 ? " " + bytes : "");
  }

  static String part(String kind, String name) {
    return PART + " " + kind + " " + name;
  }

  static String work(String kind, String name) {
    return WORK + " " + kind + " " + name;
  }

  static String done(boolean complete, String path) {
    return DONE + " " + (complete ? "complete" : "incomplete") + " " + path;
  }

  static String failed(FailureKind kind, String message) {
    return FAILED + " " + kind.name() + " " + message;
  }

  /** Null when {@code requested} (the CLI's {@value #OPTION}, may be null for an old CLI) is ours; else why not. */
  public static String mismatch(String requested, String agentVersion) {
    if (String.valueOf(VERSION).equals(requested)) {
      return null;
    }
    return "the agent " + agentVersion + " speaks status protocol " + VERSION + ", the attach CLI "
        + (requested == null ? "an older one" : requested.matches("\\d{1,4}") ? requested : "another one")
        + "; use the attach.jar of release " + agentVersion;
  }

  /** One line as the CLI reads it; empty for a line that is not whole or not ours. */
  public static Optional<Line> parse(String line) {
    String[] f = line.split(" ", 3);
    if (f.length < 2) {
      return Optional.empty();
    }
    return Optional.of(new Line(f[0], f[1], f.length > 2 ? f[2] : ""));
  }

  /** A parsed line: its kind, first field and the rest (which may hold spaces: a path, a message). */
  public static final class Line {
    public final String kind;
    public final String first;
    public final String rest;

    Line(String kind, String first, String rest) {
      this.kind = kind;
      this.first = first;
      this.rest = rest;
    }

    /** {@code hello}: the protocol the agent speaks, -1 when not a number. */
    public int protocol() {
      try {
        return Integer.parseInt(first);
      } catch (NumberFormatException e) {
        return -1;
      }
    }

    /** {@code hello}: the agent's version. */
    public String agentVersion() {
      return rest.split(" ", 2)[0];
    }

    /** {@code hello}: whether the agent was loaded in the target before this request. */
    public boolean loadedBefore() {
      return rest.endsWith(" again");
    }

    /** {@code phase}: field {@code i} after the name as a number, -1 when absent. */
    public long number(int i) {
      String[] p = rest.split(" ");
      try {
        return i < p.length ? Long.parseLong(p[i].trim()) : -1;
      } catch (NumberFormatException e) {
        return -1;
      }
    }
  }
}
