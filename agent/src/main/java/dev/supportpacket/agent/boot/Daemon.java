package dev.supportpacket.agent.boot;

/** Our threads: daemons, so that none keeps the application's JVM alive, and named so that anyone can tell ours. */
public final class Daemon {
  /** Every thread the agent starts carries this prefix, so that it can be recognised in any thread dump. */
  public static final String THREAD_PREFIX = "support-packet-";

  private Daemon() {}

  /** Starts {@code task} on a new daemon thread named {@code support-packet-<name>}, and returns that thread. */
  public static Thread start(String name, Runnable task) {
    // concat(), not +: string concatenation would bootstrap java.lang.invoke inside the application's startup.
    Thread t = new Thread(task, THREAD_PREFIX.concat(name));
    t.setDaemon(true);
    t.start();
    return t;
  }
}
