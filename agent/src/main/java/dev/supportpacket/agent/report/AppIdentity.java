package dev.supportpacket.agent.report;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Optional;
import java.util.Properties;

/** Who the target is: application name, pid, host. Read without DNS, which can hang on a sick machine. */
public final class AppIdentity {
  private final String name;
  private final long pid;
  private final String host;

  private AppIdentity(String name, long pid, String host) {
    this.name = name;
    this.pid = pid;
    this.host = host;
  }

  /** Longest application name kept: it goes into the packet's file name. */
  static final int MAX_NAME = 64;

  /** A process seen from outside: {@code name} as {@link #appName} makes it. */
  public static AppIdentity of(String name, long pid, String host) {
    return new AppIdentity(name, pid, host);
  }

  public static AppIdentity current() {
    return current(Optional.empty());
  }

  /**
   * @param operatorsName the name the application's operators give it (spring.application.name, the server's one
   *     webapp: see {@code ApplicationName}); empty, or nothing left of it once made safe, for the main class or jar
   */
  public static AppIdentity current(Optional<String> operatorsName) {
    String name = operatorsName.map(AppIdentity::safeName).filter(n -> !n.isEmpty())
        .orElseGet(() -> appName(System.getProperty("sun.java.command", "")));
    return new AppIdentity(name, ProcessHandle.current().pid(), hostName());
  }

  /**
   * A name from the application's config, which a local user may have written, made safe for a file name: letters,
   * digits and {@code . _ -} only (no path, no control or shell characters), no leading dot, at most
   * {@value #MAX_NAME} characters; empty when nothing is left.
   */
  static String safeName(String raw) {
    String safe = raw.trim().replaceAll("[^A-Za-z0-9._-]+", "_").replaceAll("^[._]+", "").replaceAll("_+$", "");
    return safe.length() > MAX_NAME ? safe.substring(0, MAX_NAME) : safe;
  }

  public String name() {
    return name;
  }

  public long pid() {
    return pid;
  }

  public String host() {
    return host;
  }

  /** The jar's name without .jar, or the main class's simple name; safe to use in a file name. */
  public static String appName(String javaCommand) {
    String first = javaCommand.trim().isEmpty() ? "java" : javaCommand.trim().split("\\s+")[0];
    String base = first.substring(Math.max(first.lastIndexOf('/'), first.lastIndexOf('\\')) + 1);
    if (base.endsWith(".jar")) {
      base = base.substring(0, base.length() - 4);
    } else if (base.contains(".")) {
      base = base.substring(base.lastIndexOf('.') + 1);
    }
    String safe = safeName(base);
    return safe.isEmpty() ? "java" : safe;
  }

  /** The kernel's host name, without DNS (a sick resolver must not delay a packet); "unknown" if none. */
  public static String hostName() {
    try {
      String h = new String(Files.readAllBytes(Paths.get("/proc/sys/kernel/hostname")), StandardCharsets.UTF_8).trim();
      if (!h.isEmpty()) {
        return h;
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: try the environment
    }
    String env = System.getenv("HOSTNAME");
    if (env == null) {
      env = System.getenv("COMPUTERNAME");
    }
    return env == null || env.isBlank() ? "unknown" : env.trim();
  }

  /** This agent's version, from the build. */
  public static String generatorVersion() {
    try (InputStream in = AppIdentity.class.getResourceAsStream("version.properties")) {
      Properties p = new Properties();
      if (in != null) {
        p.load(in);
      }
      return p.getProperty("version", "dev");
    } catch (IOException e) {
      return "dev";
    }
  }
}
