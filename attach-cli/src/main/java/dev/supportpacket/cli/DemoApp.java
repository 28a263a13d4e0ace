package dev.supportpacket.cli;

/**
 * The sample JVM of {@code demo}: one thread burns CPU, one sleeps; it logs to the file named by {@code -Ddemo.log}
 * (a JUL FileHandler, found through the files it holds open); it exits when its parent does.
 */
public final class DemoApp {
  static final String READY = "demo ready";
  /** Planted so that a newcomer sees it redacted in the packet. Not a real secret. */
  static final String FAKE_PASSWORD = "demo-Passw0rd-4711";

  /** Held here: JUL keeps loggers weakly, and a collected logger takes its FileHandler (and file) with it. */
  private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger("demo");

  private DemoApp() {}

  public static void main(String[] args) throws Exception {
    String logFile = System.getProperty("demo.log");
    if (logFile != null) {
      java.util.logging.Logger log = LOG;
      log.setUseParentHandlers(false);
      java.util.logging.FileHandler file = new java.util.logging.FileHandler(logFile);
      file.setFormatter(new java.util.logging.SimpleFormatter());
      log.addHandler(file);
      log.info("demo started");
      // Careless, as applications are: the packet shows it as a token all the same.
      log.info("connecting to the database with " + System.getProperty("demo.db.password"));
    }
    Thread burner = new Thread(DemoApp::burnCpu, "demo-cpu-burner");
    burner.setDaemon(true);
    burner.start();
    ProcessHandle.current().parent().ifPresent(p -> p.onExit().thenRun(() -> Runtime.getRuntime().halt(0)));
    System.out.println(READY);
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }

  static void burnCpu() {
    double x = 0;
    while (true) {
      for (int i = 1; i < 1_000_000; i++) {
        x += Math.sqrt(i) * Math.sin(x);
      }
      if (x == 42) {
        System.out.println(x);
      }
    }
  }
}
