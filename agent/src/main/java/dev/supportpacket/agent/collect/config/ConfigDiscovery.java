package dev.supportpacket.agent.collect.config;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * Finds the configuration files the application uses, by asking the process: its system properties, environment,
 * program arguments, working directory and class loaders. Reads nothing but names and directory listings; used
 * both to learn secrets before any collector runs and by {@link ConfigFilesCollector}.
 *
 * <p>What it looks for: Spring Boot's {@code application} (or {@code spring.config.name}) files with their profile
 * variants in the default locations ({@code classpath:/}, {@code classpath:/config/}, {@code ./}, {@code ./config/},
 * {@code ./config/}{@code *}{@code /}) or in {@code spring.config.location} and {@code additional-location}; the same
 * names serve Quarkus ({@code application.properties}, {@code config/application.properties}) and Micronaut
 * ({@code application.yml}, {@code application-<env>.yml}); logging configs; and any file named by a system property
 * or program argument that exists and has a config extension.
 */
public final class ConfigDiscovery {
  static final List<String> CONFIG_EXTENSIONS = List.of("yml", "yaml", "properties", "json", "xml", "conf", "toml", "ini");
  private static final List<String> APP_EXTENSIONS = List.of("properties", "yml", "yaml");
  private static final List<String> LOGGING_CONFIGS = List.of(
      "logback.xml", "logback-spring.xml", "logback-test.xml", "log4j2.xml", "log4j2-spring.xml", "log4j2-test.xml",
      "log4j2.yaml", "log4j2.yml", "log4j2.json", "log4j2.properties", "log4j.properties", "log4j.xml",
      "logging.properties");
  private static final List<String> OTHER_RESOURCES = List.of("META-INF/microprofile-config.properties");

  private final Map<String, String> properties;
  private final Map<String, String> env;
  private final List<String> programArgs;
  private final Path workDir;
  private final List<ClassLoader> loaders;
  private final ConfigFileCheck check;

  ConfigDiscovery(Map<String, String> properties, Map<String, String> env, List<String> programArgs, Path workDir,
      List<ClassLoader> loaders) {
    this.properties = Map.copyOf(properties);
    this.env = Map.copyOf(env);
    this.programArgs = List.copyOf(programArgs);
    this.workDir = workDir.toAbsolutePath().normalize();
    this.loaders = List.copyOf(loaders);
    this.check = ConfigFileCheck.ofThisProcess(this.workDir);
  }

  /** Discovery in this process: its properties, environment, arguments, working directory and class loaders. */
  public static ConfigDiscovery ofThisProcess() {
    Properties p = (Properties) System.getProperties().clone();
    Map<String, String> props = new LinkedHashMap<>();
    for (String n : p.stringPropertyNames()) {
      props.put(n, p.getProperty(n));
    }
    String command = props.getOrDefault("sun.java.command", "").trim();
    List<String> words = command.isEmpty() ? List.of() : Arrays.asList(command.split("\\s+"));
    return new ConfigDiscovery(props, System.getenv(), words.size() > 1 ? words.subList(1, words.size()) : List.of(),
        Paths.get(props.getOrDefault("user.dir", ".")), applicationClassLoaders());
  }

  /**
   * The system class loader and the context class loader of every live thread: a Spring Boot fat jar, an
   * application server or a plugin host keeps the application's classes in a loader that only its threads name.
   */
  public static List<ClassLoader> applicationClassLoaders() {
    Set<ClassLoader> out = Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    List<ClassLoader> ordered = new ArrayList<>();
    ClassLoader system = ClassLoader.getSystemClassLoader();
    out.add(system);
    ordered.add(system);
    ThreadGroup root = Thread.currentThread().getThreadGroup();
    while (root.getParent() != null) {
      root = root.getParent();
    }
    Thread[] threads = new Thread[root.activeCount() * 2 + 16];
    int n = root.enumerate(threads, true);
    for (int i = 0; i < n; i++) {
      ClassLoader cl = threads[i].getContextClassLoader();
      if (cl != null && out.add(cl)) {
        ordered.add(cl);
      }
    }
    return ordered;
  }

  /** Every file found, each once, in a stable order; never throws for a file it cannot read (it leaves it out). */
  public List<ConfigFile> discover() {
    Found found = new Found();
    springLocations(found);
    serverConfigs(found);
    for (String name : LOGGING_CONFIGS) {
      diskFile(found, workDir.resolve(name), "working directory");
      diskFile(found, workDir.resolve("config").resolve(name), "working directory config/");
      resources(found, name, "class path");
    }
    for (String name : OTHER_RESOURCES) {
      resources(found, name, "class path");
    }
    new java.util.TreeMap<>(properties).forEach((key, value) -> namedFiles(found, value, "system property " + key));
    for (String arg : programArgs) {
      int eq = arg.indexOf('=');
      namedFiles(found, arg.startsWith("-") && eq > 0 ? arg.substring(eq + 1) : arg, "program argument");
    }
    return List.copyOf(found.byName.values());
  }

  private void springLocations(Found found) {
    List<String> names = new ArrayList<>(split(setting("spring.config.name", "application")));
    if (!names.contains("bootstrap")) {
      names.add("bootstrap");
    }
    Set<String> profiles = new LinkedHashSet<>();
    for (String key : List.of("spring.profiles.active", "spring.profiles.include", "quarkus.profile",
        "micronaut.environments")) {
      profiles.addAll(split(setting(key, "")));
    }
    Map<String, String> locations = new LinkedHashMap<>();
    String explicit = setting("spring.config.location", "");
    if (explicit.isBlank()) {
      for (String l : List.of("classpath:/", "classpath:/config/", "file:./", "file:./config/", "file:./config/*/")) {
        locations.put(l, "spring boot default location " + l);
      }
    } else {
      split(explicit).forEach(l -> locations.put(l, "spring.config.location"));
    }
    split(setting("spring.config.additional-location", ""))
        .forEach(l -> locations.putIfAbsent(l, "spring.config.additional-location"));
    locations.forEach((location, how) -> springLocation(found, location, names, profiles, how));
  }

  private void springLocation(Found found, String location, List<String> names, Set<String> profiles, String how) {
    String loc = location.trim();
    if (loc.startsWith("optional:")) {
      loc = loc.substring("optional:".length());
    }
    boolean classpath = loc.startsWith("classpath:");
    if (classpath) {
      loc = loc.substring("classpath:".length());
    } else if (loc.startsWith("file:")) {
      loc = loc.substring("file:".length());
    }
    if (!loc.endsWith("/")) {
      if (classpath) {
        resources(found, stripSlash(loc), how);
      } else {
        diskFile(found, workDir.resolve(loc), how);
      }
      return;
    }
    List<String> candidates = new ArrayList<>();
    for (String name : names) {
      for (String ext : APP_EXTENSIONS) {
        candidates.add(name + "." + ext);
        for (String profile : profiles) {
          candidates.add(name + "-" + profile + "." + ext);
        }
      }
    }
    if (classpath) {
      String dir = stripSlash(loc);
      for (String c : candidates) {
        resources(found, dir.isEmpty() ? c : dir + "/" + c, how);
      }
      return;
    }
    List<Path> dirs = new ArrayList<>();
    if (loc.endsWith("*/")) {
      Path parent = workDir.resolve(loc.substring(0, loc.length() - 2));
      if (Files.isDirectory(parent)) {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(parent, Files::isDirectory)) {
          ds.forEach(dirs::add);
        } catch (IOException e) {
          // an unreadable directory holds nothing we can collect
        }
        dirs.sort(null);
      }
    } else {
      dirs.add(workDir.resolve(loc));
    }
    for (Path d : dirs) {
      for (String c : candidates) {
        diskFile(found, d.resolve(c), how);
      }
    }
  }

  /** A Spring-style setting from a system property, a program argument or the environment (relaxed binding). */
  private String setting(String key, String dflt) {
    String v = properties.get(key);
    for (String arg : programArgs) {
      if (arg.startsWith("--" + key + "=")) {
        v = arg.substring(key.length() + 3);
      }
    }
    if (v == null) {
      v = env.get(key.toUpperCase(Locale.ROOT).replace('.', '_').replace("-", ""));
    }
    return v == null ? dflt : v;
  }

  private void namedFiles(Found found, String value, String how) {
    if (value == null || value.isBlank() || value.length() > 4096) {
      return;
    }
    for (String part : value.split("[,;" + java.io.File.pathSeparator + "]")) {
      String p = part.trim();
      if (p.startsWith("optional:")) {
        p = p.substring("optional:".length());
      }
      if (p.startsWith("classpath:")) {
        String name = stripSlash(p.substring("classpath:".length()));
        if (hasConfigExtension(name)) {
          resources(found, name, how);
        }
        continue;
      }
      if (p.startsWith("file:")) {
        p = p.substring("file:".length());
        while (p.startsWith("//")) {
          p = p.substring(1);
        }
      }
      if (p.isEmpty() || !hasConfigExtension(p)) {
        continue;
      }
      try {
        diskFile(found, workDir.resolve(p), how);
      } catch (java.nio.file.InvalidPathException e) {
        // not a path after all
      }
    }
  }

  /**
   * The configuration of the common servers, from the base directory they run in: Tomcat's {@code catalina.base},
   * Jetty's {@code jetty.base} (the working directory when started by {@code start.jar}), WildFly's
   * {@code jboss.server.config.dir}. The application's own files are found by the class path search.
   */
  private void serverConfigs(Found found) {
    for (String key : List.of("catalina.base", "catalina.home")) {
      String base = properties.get(key);
      if (base != null && !base.isEmpty()) {
        for (String f : List.of("server.xml", "catalina.properties", "logging.properties", "context.xml",
            "tomcat-users.xml")) {
          diskFile(found, Paths.get(base, "conf", f), "Tomcat " + key + " conf/");
        }
        // Per-application context files (conf/Catalina/localhost/orders.xml) hold the data sources' passwords.
        for (Path engine : subdirectories(Paths.get(base, "conf"))) {
          for (Path host : subdirectories(engine)) {
            for (Path xml : listing(host, ".xml")) {
              diskFile(found, xml, "Tomcat " + key + " conf/<engine>/<host>/");
            }
          }
        }
        webapps(found, Paths.get(base, "webapps"), "Tomcat " + key + " webapps/");
      }
    }
    Optional<Path> jetty = jettyBase(properties, workDir);
    if (jetty.isPresent()) {
      Path base = jetty.get();
      diskFile(found, base.resolve("start.ini"), "Jetty jetty.base");
      for (Path ini : listing(base.resolve("start.d"), ".ini")) {
        diskFile(found, ini, "Jetty jetty.base start.d/");
      }
      diskFile(found, base.resolve("resources").resolve("jetty-logging.properties"), "Jetty jetty.base resources/");
      for (String name : LOGGING_CONFIGS) {
        diskFile(found, base.resolve("resources").resolve(name), "Jetty jetty.base resources/");
      }
      for (Path xml : listing(base.resolve("webapps"), ".xml")) {
        diskFile(found, xml, "Jetty jetty.base webapps/ context");
      }
      webapps(found, base.resolve("webapps"), "Jetty jetty.base webapps/");
    }
    String jboss = properties.get("jboss.server.config.dir");
    if (jboss == null && properties.get("jboss.server.base.dir") != null) {
      jboss = Paths.get(properties.get("jboss.server.base.dir"), "configuration").toString();
    }
    if (jboss != null && !jboss.isEmpty()) {
      diskFile(found, Paths.get(jboss, properties.getOrDefault("jboss.server.default.config", "standalone.xml")),
          "WildFly jboss.server.config.dir");
      for (Path xml : listing(Paths.get(jboss), ".xml")) {
        if (xml.getFileName().toString().startsWith("standalone")) {
          diskFile(found, xml, "WildFly jboss.server.config.dir");
        }
      }
    }
  }

  /**
   * The config of each exploded web application in {@code dir} ({@code WEB-INF/classes/log4j2.xml},
   * {@code application.properties}…): a server's webapps keep their own, which no class path of ours shows. At most
   * {@value #MAX_LISTED} applications; links are not followed into.
   */
  private void webapps(Found found, Path dir, String how) {
    for (Path app : subdirectories(dir)) {
      Path classes = app.resolve("WEB-INF").resolve("classes");
      if (!Files.isDirectory(classes, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        continue;
      }
      for (String name : LOGGING_CONFIGS) {
        diskFile(found, classes.resolve(name), how + app.getFileName() + "/WEB-INF/classes/");
      }
      for (String ext : APP_EXTENSIONS) {
        diskFile(found, classes.resolve("application." + ext), how + app.getFileName() + "/WEB-INF/classes/");
      }
    }
  }

  /** The directories directly in {@code dir}, not through links, sorted, at most {@value #MAX_LISTED}. */
  private static List<Path> subdirectories(Path dir) {
    List<Path> out = new ArrayList<>();
    if (!Files.isDirectory(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return out;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        if (out.size() == MAX_LISTED) {
          break;
        }
        if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          out.add(p);
        }
      }
    } catch (IOException | RuntimeException e) {
      // unreadable: nothing from it
    }
    Collections.sort(out);
    return out;
  }

  /**
   * Jetty's base directory: {@code jetty.base}, else the working directory when started by {@code start.jar} (as
   * {@code java -jar $JETTY_HOME/start.jar} in the base directory does).
   */
  static Optional<Path> jettyBase(Map<String, String> properties, Path workDir) {
    String command = properties.getOrDefault("sun.java.command", "");
    String jetty = properties.get("jetty.base");
    boolean startedByJetty =
        command.startsWith("org.eclipse.jetty.start.Main") || command.matches("(\\S*/)?start\\.jar\\b.*");
    if ((jetty == null || jetty.isEmpty()) && startedByJetty) {
      jetty = workDir.toString();
    }
    try {
      return jetty == null || jetty.isEmpty() ? Optional.empty() : Optional.of(workDir.resolve(jetty));
    } catch (java.nio.file.InvalidPathException e) {
      return Optional.empty();
    }
  }

  Map<String, String> properties() {
    return properties;
  }

  Map<String, String> env() {
    return env;
  }

  List<String> programArgs() {
    return programArgs;
  }

  Path workDir() {
    return workDir;
  }

  /** How many entries of one directory are taken: a directory of thousands is not the config of anything. */
  private static final int MAX_LISTED = 100;

  /** Regular files of {@code dir} ending in {@code suffix}, sorted, at most 100: a directory listing only. */
  private static List<Path> listing(Path dir, String suffix) {
    List<Path> out = new ArrayList<>();
    if (!Files.isDirectory(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return out;
    }
    try (java.nio.file.DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + suffix)) {
      for (Path f : files) {
        if (out.size() == MAX_LISTED) {
          break;
        }
        out.add(f);
      }
    } catch (IOException | RuntimeException e) {
      // unreadable: nothing from it
    }
    Collections.sort(out);
    return out;
  }

  static boolean hasConfigExtension(String name) {
    int dot = name.lastIndexOf('.');
    return dot >= 0 && CONFIG_EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
  }

  private void diskFile(Found found, Path path, String how) {
    Path p = path.toAbsolutePath().normalize();
    if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
      return;
    }
    Path real;
    try {
      real = p.toRealPath();
    } catch (IOException e) {
      return;
    }
    if (!found.paths.add(real)) {
      return;
    }
    String rel = p.startsWith(workDir) ? workDir.relativize(p).toString() : "abs/" + p.toString();
    found.add(ConfigFile.onDisk(p, real, safeName(rel), how, check.refusal(p, real)));
  }

  private void resources(Found found, String name, String how) {
    for (ClassLoader cl : loaders) {
      List<URL> urls;
      try {
        urls = Collections.list(cl.getResources(name));
      } catch (IOException | RuntimeException e) {
        continue;
      }
      for (URL url : urls) {
        if (!found.urls.add(url.toString())) {
          continue;
        }
        if (url.getProtocol().equals("file")) {
          Path asFound;
          Path real;
          try {
            asFound = Paths.get(url.toURI());
            real = asFound.toRealPath();
            // Never open a FIFO or a device that a class path directory holds: a read would wait for a writer forever.
            if (!Files.isRegularFile(real) || !found.paths.add(real)) {
              continue;
            }
          } catch (URISyntaxException | IOException | RuntimeException e) {
            continue;
          }
          Optional<String> refusal = check.refusal(asFound, real);
          found.add(refusal.isPresent()
              ? ConfigFile.onDisk(asFound, real, safeName("classpath/" + name), how, refusal)
              : ConfigFile.resource(url, safeName("classpath/" + name), how));
        } else {
          found.add(ConfigFile.resource(url, safeName("classpath/" + containerName(url) + "/" + name), how));
        }
      }
    }
  }

  /**
   * The jar a resource lives in, by file name, with the path inside it when the resource sits in a nested
   * directory of classes: {@code jar:file:/opt/app.jar!/x} gives {@code app.jar};
   * {@code jar:nested:/opt/app.jar/!BOOT-INF/classes/!/x} gives {@code app.jar/BOOT-INF/classes}.
   */
  static String containerName(URL url) {
    String s = url.toString();
    int bang = s.lastIndexOf("!/");
    String container = bang < 0 ? s : s.substring(0, bang);
    String[] segments = container.split("[/!]+");
    int jar = -1;
    for (int i = 0; i < segments.length; i++) {
      String seg = segments[i].toLowerCase(Locale.ROOT);
      if (seg.endsWith(".jar") || seg.endsWith(".war") || seg.endsWith(".ear") || seg.endsWith(".zip")) {
        jar = i;
      }
    }
    if (jar < 0) {
      return url.getProtocol();
    }
    return String.join("/", Arrays.asList(segments).subList(jar, segments.length));
  }

  /** Only letters, digits and {@code . _ - /}; no empty, dot or dot-dot segments. */
  public static String safeName(String raw) {
    StringBuilder sb = new StringBuilder();
    for (String seg : raw.replace('\\', '/').split("/")) {
      if (seg.isEmpty() || seg.equals(".") || seg.equals("..")) {
        continue;
      }
      if (sb.length() > 0) {
        sb.append('/');
      }
      for (char c : seg.toCharArray()) {
        sb.append(Character.isLetterOrDigit(c) && c < 128 || c == '.' || c == '_' || c == '-' ? c : '_');
      }
    }
    return sb.toString();
  }

  private static List<String> split(String csv) {
    List<String> out = new ArrayList<>();
    for (String s : csv.split(",")) {
      if (!s.isBlank()) {
        out.add(s.trim());
      }
    }
    return out;
  }

  private static String stripSlash(String s) {
    String out = s;
    while (out.startsWith("/")) {
      out = out.substring(1);
    }
    while (out.endsWith("/")) {
      out = out.substring(0, out.length() - 1);
    }
    return out;
  }

  /** What was found so far, each physical file once, each entry name once. */
  private static final class Found {
    final Set<Path> paths = new HashSet<>();
    final Set<String> urls = new HashSet<>();
    final Map<String, ConfigFile> byName = new LinkedHashMap<>();

    void add(ConfigFile f) {
      String name = f.relativeName();
      if (byName.containsKey(name) || name.equals("index.yaml")) {
        int i = 2;
        int dot = name.lastIndexOf('.');
        String stem = dot > name.lastIndexOf('/') ? name.substring(0, dot) : name;
        String ext = dot > name.lastIndexOf('/') ? name.substring(dot) : "";
        while (byName.containsKey(stem + "~" + i + ext) || (stem + "~" + i + ext).equals("index.yaml")) {
          i++;
        }
        ConfigFile renamed = f.withName(stem + "~" + i + ext);
        byName.put(renamed.relativeName(), renamed);
      } else {
        byName.put(name, f);
      }
    }
  }
}
