package dev.supportpacket.agent.collect.config;

import dev.supportpacket.agent.boot.Daemon;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The application's name as its operators call it: the framework's application name ({@code spring.application.name},
 * {@code quarkus.application.name}, {@code micronaut.application.name}) from a system property, a program argument,
 * the environment or the config files found; else the one web application a server runs, else the server's base
 * directory (Jetty's {@code jetty.base}, Tomcat's {@code catalina.base}). Empty when none says: the caller falls back
 * to the main class or jar. The result is raw, from config a local user may have written: the caller makes it safe.
 */
public final class ApplicationName {
  private static final List<String> KEYS =
      List.of("spring.application.name", "quarkus.application.name", "micronaut.application.name");
  /** The webapps a server ships with: they do not name what it is run for. */
  private static final Set<String> STOCK_WEBAPPS =
      Set.of("ROOT", "manager", "host-manager", "docs", "examples", "root", "ROOT.war");
  /** A webapps directory is looked at this far: the one application is among the first entries or it is not one. */
  private static final int MAX_ENTRIES = 1000;

  private final ConfigDiscovery discovery;
  private final Map<String, String> properties;
  private final Map<String, String> env;
  private final List<String> programArgs;
  private final Path workDir;

  ApplicationName(ConfigDiscovery discovery, Map<String, String> properties, Map<String, String> env,
      List<String> programArgs, Path workDir) {
    this.discovery = discovery;
    this.properties = Map.copyOf(properties);
    this.env = Map.copyOf(env);
    this.programArgs = List.copyOf(programArgs);
    this.workDir = workDir;
  }

  /**
   * The name in this process, found within {@code deadline}: config files are read on a thread of their own, since
   * a hung network mount must not hold the packet; what is known without them is used when they overrun.
   */
  public static Optional<String> ofThisProcess(Duration deadline) {
    try {
      ConfigDiscovery d = ConfigDiscovery.ofThisProcess();
      ApplicationName n = new ApplicationName(d, d.properties(), d.env(), d.programArgs(), d.workDir());
      Optional<String> set = n.fromSettings();
      if (set.isPresent()) {
        return set;
      }
      AtomicReference<Optional<String>> fromFiles = new AtomicReference<>(Optional.empty());
      Thread reader = Daemon.start("app-name", () -> fromFiles.set(n.fromConfigFiles()));
      reader.join(deadline.toMillis());
      // Left to finish, never interrupted: an interrupt closes the FileChannel a thread is reading, and the one it
      // reads may be the agent's own nested jar (its classes load on first use), which then loads nothing more.
      return fromFiles.get().or(n::fromServer);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    } catch (RuntimeException | LinkageError e) {
      // A name is a nicety: the packet is named after the main class instead.
      return Optional.empty();
    }
  }

  /** The first name found, in the order of {@link #ofThisProcess}, reading the config files on this thread. */
  Optional<String> find() {
    return fromSettings().or(this::fromConfigFiles).or(this::fromServer);
  }

  /** From system properties, program arguments ({@code --spring.application.name=x}) and the environment. */
  Optional<String> fromSettings() {
    for (String key : KEYS) {
      for (String arg : programArgs) {
        if (arg.startsWith("--" + key + "=")) {
          return nonBlank(arg.substring(key.length() + 3));
        }
      }
      Optional<String> v = nonBlank(properties.get(key))
          .or(() -> nonBlank(env.get(key.toUpperCase(Locale.ROOT).replace('.', '_'))));
      if (v.isPresent()) {
        return v;
      }
    }
    return Optional.empty();
  }

  /** From the application's config files, the later location winning as in Spring ({@code ./config} over the jar). */
  Optional<String> fromConfigFiles() {
    Optional<String> name = Optional.empty();
    List<ConfigFile> files;
    try {
      files = discovery.discover();
    } catch (RuntimeException | LinkageError e) {
      // An uncaught exception would print on the application's stderr: this thread ends quietly instead.
      return name;
    }
    for (ConfigFile f : files) {
      String file = f.relativeName().substring(f.relativeName().lastIndexOf('/') + 1);
      if (f.refusal().isPresent() || !file.matches("(application|bootstrap)(-[^.]*)?\\.(properties|ya?ml)")) {
        continue;
      }
      try {
        for (Map.Entry<String, String> kv : ConfigKeyValues.parse(f.extension(), ConfigText.read(f))) {
          // A placeholder (${APP_NAME:orders}) is not the name; its default is no better known.
          Optional<String> v = nonBlank(kv.getValue());
          if (KEYS.contains(kv.getKey()) && v.isPresent() && !v.get().contains("${")) {
            name = v;
          }
        }
      } catch (IOException | RuntimeException e) {
        // unreadable or unparseable: it names nothing
      }
      if (Thread.currentThread().isInterrupted()) {
        break;
      }
    }
    return name;
  }

  /** The one application a server runs, else the server's base directory. */
  Optional<String> fromServer() {
    Optional<Path> jetty = ConfigDiscovery.jettyBase(properties, workDir);
    if (jetty.isPresent()) {
      return onlyWebapp(jetty.get().resolve("webapps")).or(() -> dirName(jetty.get()));
    }
    String catalina = properties.get("catalina.base");
    if (catalina != null && !catalina.isBlank()) {
      return onlyWebapp(Paths.get(catalina, "webapps")).or(() -> dirName(Paths.get(catalina)));
    }
    String jboss = properties.get("jboss.server.base.dir");
    if (jboss != null && !jboss.isBlank()) {
      return onlyWebapp(Paths.get(jboss, "deployments"));
    }
    return Optional.empty();
  }

  /** The name of the only application deployed in {@code dir} (a war, or an exploded directory); else empty. */
  private static Optional<String> onlyWebapp(Path dir) {
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    List<String> apps = new ArrayList<>();
    int looked = 0;
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        if (++looked > MAX_ENTRIES) {
          return Optional.empty();
        }
        String n = p.getFileName().toString();
        String bare = n.replaceFirst("\\.(war|ear)$", "");
        boolean app = n.endsWith(".war") || n.endsWith(".ear") || Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
        if (app && !bare.startsWith(".") && !STOCK_WEBAPPS.contains(bare) && !apps.contains(bare)) {
          apps.add(bare);
        }
        if (apps.size() > 1) {
          return Optional.empty();
        }
      }
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
    return apps.size() == 1 ? Optional.of(apps.get(0)) : Optional.empty();
  }

  private static Optional<String> dirName(Path p) {
    Path name = p.toAbsolutePath().normalize().getFileName();
    return name == null ? Optional.empty() : nonBlank(name.toString());
  }

  private static Optional<String> nonBlank(String s) {
    return s == null || s.isBlank() ? Optional.empty() : Optional.of(s.trim());
  }
}
