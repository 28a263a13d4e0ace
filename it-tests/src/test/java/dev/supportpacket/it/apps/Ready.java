package dev.supportpacket.it.apps;

/** The line every target app prints once it is set up; then it waits until its parent (the test) goes away. */
public final class Ready {
  static final String LINE = "ready";

  private Ready() {}

  public static void announce() throws InterruptedException {
    // Never outlive the test JVM, even if it is killed.
    ProcessHandle.current().parent().ifPresent(p -> p.onExit().thenRun(() -> Runtime.getRuntime().halt(0)));
    System.out.println(LINE);
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
