package dev.supportpacket.it.apps;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * An application server in miniature. Run in a server's base directory (the test lays it out), it serves nothing;
 * with {@code -Dit.webappLibs=DIR -Dit.webappLog4j=FILE} it deploys a "web application" as servers do: the jars of
 * DIR (Log4j2) in a class loader of its own, whose parent is the platform loader, so that neither the class path nor
 * any thread names it; the application starts its own Log4j2 context from FILE and logs {@link #WEBAPP_LINE}. Prints
 * {@code ready}.
 */
public final class WebappHostApp {
  public static final String WEBAPP_LINE = "it-webapp-log4j-line";

  private WebappHostApp() {}

  public static void main(String[] args) throws Exception {
    String libs = System.getProperty("it.webappLibs");
    if (libs != null) {
      deploy(Paths.get(libs), Paths.get(System.getProperty("it.webappLog4j")));
    }
    Ready.announce();
  }

  private static void deploy(Path libs, Path log4jConfig) throws Exception {
    List<URL> jars = new ArrayList<>();
    try (Stream<Path> s = Files.list(libs)) {
      for (Path p : (Iterable<Path>) s.sorted()::iterator) {
        if (p.toString().endsWith(".jar")) {
          jars.add(p.toUri().toURL());
        }
      }
    }
    ClassLoader webapp =
        new URLClassLoader("it-webapp", jars.toArray(new URL[0]), ClassLoader.getPlatformClassLoader());
    // As a server does while it starts an application: the application's loader is the context loader meanwhile.
    Thread self = Thread.currentThread();
    ClassLoader before = self.getContextClassLoader();
    self.setContextClassLoader(webapp);
    try {
      Class<?> configurator = Class.forName("org.apache.logging.log4j.core.config.Configurator", true, webapp);
      Object context = configurator.getMethod("initialize", String.class, ClassLoader.class, String.class)
          .invoke(null, "it-webapp", webapp, log4jConfig.toUri().toString());
      Object logger = context.getClass().getMethod("getLogger", String.class).invoke(context, "it.webapp");
      Class<?> api = Class.forName("org.apache.logging.log4j.Logger", false, webapp);
      api.getMethod("info", String.class).invoke(logger, WEBAPP_LINE);
      System.out.println("webapp deployed, log4j " + configurator.getPackage().getImplementationVersion()
          + " from " + String.join(File.pathSeparator, jars.stream().map(URL::getPath).toArray(String[]::new)));
    } finally {
      self.setContextClassLoader(before);
    }
  }
}
