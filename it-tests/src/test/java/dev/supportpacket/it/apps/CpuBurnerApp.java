package dev.supportpacket.it.apps;

/**
 * Target for the integration tests: burns CPU in {@link #burnCpuInNamedMethod} on {@code -Dit.burners=N} threads
 * named {@value #BURNER_THREAD} (none by default: the machine has 2 cores and the tests run in parallel; the second
 * and later after {@code -Dit.burner.name} if given), names a
 * sleeping thread after {@code -Dit.thread.name}, prints {@code -Dit.log.line} if given, then {@code ready}.
 */
public final class CpuBurnerApp {
  public static final String BURNER_THREAD = "it-cpu-burner";

  private CpuBurnerApp() {}

  public static void main(String[] args) throws Exception {
    for (int i = 0; i < Integer.getInteger("it.burners", 0); i++) {
      Thread burner = new Thread(CpuBurnerApp::burnCpuInNamedMethod,
          i == 0 ? BURNER_THREAD : System.getProperty("it.burner.name", BURNER_THREAD + "-" + i));
      burner.setDaemon(true);
      burner.start();
    }
    // Applications name threads after tenants, queues and connections: names can hold secrets.
    Thread sleeper = new Thread(CpuBurnerApp::sleepForever, System.getProperty("it.thread.name", "it-sleeper"));
    sleeper.setDaemon(true);
    sleeper.start();
    // A line the application logs (to its stdout file): log lines come from users and attackers.
    String logLine = System.getProperty("it.log.line");
    if (logLine != null) {
      System.out.println(logLine);
    }
    Ready.announce();
  }

  static void burnCpuInNamedMethod() {
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

  static void sleepForever() {
    try {
      Thread.sleep(Long.MAX_VALUE);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
