package dev.supportpacket.it.apps;

/**
 * Target for the integration tests: burns CPU in {@link #burnCpuInNamedMethod} on a thread named
 * {@value #BURNER_THREAD}, holds fake secrets where applications hold real ones, prints {@code ready}.
 */
public final class CpuBurnerApp {
  public static final String BURNER_THREAD = "it-cpu-burner";

  private CpuBurnerApp() {}

  public static void main(String[] args) throws Exception {
    Thread burner = new Thread(CpuBurnerApp::burnCpuInNamedMethod, BURNER_THREAD);
    burner.setDaemon(true);
    burner.start();
    // Applications name threads after tenants, queues and connections: names can hold secrets.
    Thread sleeper = new Thread(CpuBurnerApp::sleepForever, System.getProperty("it.thread.name", "it-sleeper"));
    sleeper.setDaemon(true);
    sleeper.start();
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
