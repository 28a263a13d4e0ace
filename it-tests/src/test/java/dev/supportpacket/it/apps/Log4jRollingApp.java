package dev.supportpacket.it.apps;

import java.util.Map;
import java.util.logging.Logger;
import org.apache.logging.log4j.LogManager;

/**
 * A plain application that logs through Log4j2 (a RollingFileAppender, configured by the test's log4j2.xml) and JUL
 * (a FileHandler from the test's logging.properties), with old jackson-databind and commons-compress on its class
 * path. Every 200 ms it prints which versions it uses, after really using them, and logs a tick to both loggers:
 * the test reads that before and after the attach.
 */
public final class Log4jRollingApp {
  public static final String LOG4J_LINE = "it-log4j-active-line";
  public static final String JUL_LINE = "it-jul-active-line";

  private Log4jRollingApp() {}

  public static void main(String[] args) throws Exception {
    org.apache.logging.log4j.Logger log4j = LogManager.getLogger("it.log4j");
    Logger jul = Logger.getLogger("it.jul");
    log4j.info(LOG4J_LINE);
    jul.info(JUL_LINE);
    Thread ticker = new Thread(() -> tick(log4j, jul), "it-version-ticker");
    ticker.setDaemon(true);
    ticker.start();
    Ready.announce();
  }

  private static void tick(org.apache.logging.log4j.Logger log4j, Logger jul) {
    for (long n = 0; ; n++) {
      try {
        String line = "tick=" + n + " jackson=" + jacksonVersion() + " compress=" + compressVersion();
        System.out.println(line);
        System.out.flush();
        log4j.info(line);
        jul.info(line);
        Thread.sleep(200);
      } catch (InterruptedException e) {
        return;
      } catch (Exception | LinkageError e) {
        System.out.println("tick=" + n + " failed " + e);
      }
    }
  }

  /** The jackson-databind version the application's own class loader gives it, after a real round trip. */
  static String jacksonVersion() throws Exception {
    Class<?> mapperType = Class.forName("com.fasterxml.jackson.databind.ObjectMapper");
    Object mapper = mapperType.getConstructor().newInstance();
    String json = (String) mapperType.getMethod("writeValueAsString", Object.class).invoke(mapper, Map.of("a", 1));
    if (!json.equals("{\"a\":1}")) {
      return "broken:" + json;
    }
    return Class.forName("com.fasterxml.jackson.databind.cfg.PackageVersion").getField("VERSION").get(null).toString();
  }

  /** The commons-compress version, from the jar the application's class loader found it in. */
  static String compressVersion() throws Exception {
    Class<?> c = Class.forName("org.apache.commons.compress.archivers.tar.TarArchiveOutputStream");
    c.getConstructor(java.io.OutputStream.class).newInstance(new java.io.ByteArrayOutputStream());
    String jar = c.getProtectionDomain().getCodeSource().getLocation().getPath();
    return jar.substring(jar.lastIndexOf('/') + 1).replace("commons-compress-", "").replace(".jar", "");
  }
}
