package dev.supportpacket.agent.collect.logs;

import dev.supportpacket.agent.collect.LoadedClasses;
import dev.supportpacket.agent.collect.config.ConfigDiscovery;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Asks the running process where its logs are: Logback's and Log4j2's file appenders, JUL's FileHandler pattern,
 * the files it holds open, and stdout/stderr redirected to a file. Frameworks are reached by reflection through the
 * application's own class loaders; nothing of theirs is linked into the agent.
 *
 * <p>Class loaders asked: the system class loader, every thread's context class loader, and every loader that has
 * defined a Logback or Log4j2 logger context ({@link LoadedClasses}): a web application's own framework included.
 *
 * <p>Never initialises or reconfigures the application's logging: a framework is only asked when one of its
 * implementation packages is already defined in an application class loader ({@link ClassLoader#getDefinedPackage},
 * which defines and loads nothing). A Logback or Log4j2 that has not been started has written no file, so nothing
 * is lost by leaving it alone. JUL belongs to the JDK: reading its LogManager's properties loads its configuration
 * (as any JDK class that logs would) but creates no handler.
 */
final class LogDiscovery {
  private final Path cwd;
  private final List<ClassLoader> loaders;
  private final Map<Path, LogFile> found = new LinkedHashMap<>();
  private final List<String> checked = new ArrayList<>();

  LogDiscovery(Path cwd, List<ClassLoader> loaders) {
    this.cwd = cwd.toAbsolutePath().normalize();
    this.loaders = List.copyOf(loaders);
  }

  /**
   * The logging frameworks' classes whose loaders are asked, wherever they are: a web application's Log4j2 lives in a
   * loader that neither the class path nor an idle thread names.
   */
  private static final Set<String> CONTEXT_CLASSES =
      Set.of("org.apache.logging.log4j.core.LoggerContext", "ch.qos.logback.classic.LoggerContext");

  /** Discovery in this process: the loaders its threads name, and those that loaded a logging framework. */
  static LogDiscovery ofThisProcess(LoadedClasses loaded) {
    List<ClassLoader> ordered = new ArrayList<>();
    Set<ClassLoader> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    List<ClassLoader> all = new ArrayList<>(ConfigDiscovery.applicationClassLoaders());
    all.addAll(loaded.loadersOf(CONTEXT_CLASSES));
    for (ClassLoader cl : all) {
      if (seen.add(cl)) {
        ordered.add(cl);
      }
    }
    return new LogDiscovery(Paths.get(System.getProperty("user.dir", ".")), ordered);
  }

  /** Everything found, each file once, with every way it was found; then call {@link #checked()}. */
  List<LogFile> discover() {
    guarded("logback", this::logback);
    guarded("log4j2", this::log4j2);
    guarded("java.util.logging", this::jul);
    guarded("open files", this::openFiles);
    return List.copyOf(found.values());
  }

  /** One line per place that was looked at, and what it gave: for the index, and for warning.txt when empty. */
  List<String> checked() {
    return List.copyOf(checked);
  }

  private interface Step {
    void run() throws Exception;
  }

  private void guarded(String what, Step step) {
    try {
      step.run();
    } catch (Exception | LinkageError e) {
      checked.add(what + ": failed: " + e);
    }
  }

  // --- Logback -------------------------------------------------------------------------------------------------

  private void logback() throws Exception {
    int contexts = 0;
    int before = found.size();
    List<Object> seen = new ArrayList<>();
    for (ClassLoader cl : loaders) {
      if (!defined(cl, "ch.qos.logback.classic")) {
        continue;
      }
      Class<?> lf = Class.forName("org.slf4j.LoggerFactory", false, cl);
      Object factory = lf.getMethod("getILoggerFactory").invoke(null);
      if (factory == null || !factory.getClass().getName().equals("ch.qos.logback.classic.LoggerContext")
          || containsSame(seen, factory)) {
        continue;
      }
      seen.add(factory);
      contexts++;
      for (Object logger : (Collection<?>) call(factory, "getLoggerList")) {
        logbackAppenders(call(logger, "iteratorForAppenders"), 0);
      }
    }
    checked.add(contexts == 0 ? "logback: not started in this JVM"
        : "logback: " + contexts + " logger context(s), " + (found.size() - before) + " file(s)");
  }

  private void logbackAppenders(Object iterator, int depth) throws Exception {
    if (!(iterator instanceof Iterator) || depth > 3) {
      return;
    }
    for (Iterator<?> it = (Iterator<?>) iterator; it.hasNext(); ) {
      Object appender = it.next();
      String name = "logback appender " + call(appender, "getName");
      Object file = call(appender, "getFile");
      if (file instanceof String) {
        addActive(file.toString(), name);
      }
      Object policy = call(appender, "getRollingPolicy");
      Object pattern = policy == null ? null : call(policy, "getFileNamePattern");
      if (pattern instanceof String) {
        addRolled(pattern.toString(), name + " fileNamePattern");
      }
      // AsyncAppender and friends hold the appenders that write.
      logbackAppenders(call(appender, "iteratorForAppenders"), depth + 1);
    }
  }

  // --- Log4j2 --------------------------------------------------------------------------------------------------

  private void log4j2() throws Exception {
    int contexts = 0;
    int before = found.size();
    List<Object> seen = new ArrayList<>();
    for (ClassLoader cl : loaders) {
      if (!defined(cl, "org.apache.logging.log4j.core")) {
        continue;
      }
      Class<?> lm = Class.forName("org.apache.logging.log4j.LogManager", false, cl);
      Object factory = lm.getMethod("getFactory").invoke(null);
      // Only contexts that exist: getContext(..) could create and configure a new one.
      Object selector = call(factory, "getSelector");
      Object list = selector == null ? null : call(selector, "getLoggerContexts");
      if (!(list instanceof Collection)) {
        continue;
      }
      for (Object ctx : (Collection<?>) list) {
        if (containsSame(seen, ctx)) {
          continue;
        }
        seen.add(ctx);
        contexts++;
        Object config = call(ctx, "getConfiguration");
        Object appenders = config == null ? null : call(config, "getAppenders");
        if (!(appenders instanceof Map)) {
          continue;
        }
        for (Map.Entry<?, ?> e : ((Map<?, ?>) appenders).entrySet()) {
          String name = "log4j2 appender " + e.getKey();
          Object file = call(e.getValue(), "getFileName");
          if (file instanceof String) {
            addActive(file.toString(), name);
          }
          Object pattern = call(e.getValue(), "getFilePattern");
          if (pattern instanceof String) {
            addRolled(pattern.toString(), name + " filePattern");
          }
        }
      }
    }
    checked.add(contexts == 0 ? "log4j2: not started in this JVM"
        : "log4j2: " + contexts + " logger context(s), " + (found.size() - before) + " file(s)");
  }

  // --- java.util.logging ---------------------------------------------------------------------------------------

  private void jul() throws IOException {
    java.util.logging.LogManager lm = java.util.logging.LogManager.getLogManager();
    String pattern = lm.getProperty("java.util.logging.FileHandler.pattern");
    String how = "java.util.logging.FileHandler.pattern";
    if (pattern == null || pattern.isBlank()) {
      pattern = "%h/java%u.log";
      how = "java.util.logging.FileHandler default pattern";
    }
    String expanded = FilePatterns.expandJulDirs(pattern, System.getProperty("java.io.tmpdir", "/tmp"),
        System.getProperty("user.home", ""));
    java.util.function.UnaryOperator<String> toRegex = rest -> FilePatterns.julRegex(rest, "", "");
    Pattern full = FilePatterns.compile(expanded, toRegex, cwd);
    int before = found.size();
    for (Path f : FilePatterns.matching(expanded, toRegex, cwd)) {
      Matcher m = full.matcher(f.toString());
      if (m.matches() && FilePatterns.julGeneration(m) == 0) {
        add(f, LogFile.Role.ACTIVE, how + " " + pattern);
      } else {
        add(f, LogFile.Role.ROLLED, how + " " + pattern);
      }
    }
    checked.add("java.util.logging: " + how + " " + pattern + ": " + (found.size() - before) + " file(s)");
  }

  // --- /proc/self/fd -------------------------------------------------------------------------------------------

  private void openFiles() throws IOException {
    Path fds = Paths.get("/proc/self/fd");
    if (!Files.isDirectory(fds)) {
      checked.add("open files: /proc/self/fd not available on this OS");
      return;
    }
    for (int fd = 1; fd <= 2; fd++) {
      Path target = link(fds.resolve(Integer.toString(fd)));
      String stream = fd == 1 ? "stdout" : "stderr";
      Path former = deletedName(target);
      if (former != null && Files.isRegularFile(fds.resolve(Integer.toString(fd)))) {
        addDeleted(fds.resolve(Integer.toString(fd)), former, stream + " redirected to a file, deleted since");
        checked.add(stream + ": " + former + " (deleted, read through its open descriptor)");
      } else if (target != null && Files.isRegularFile(target)) {
        add(target, LogFile.Role.ACTIVE, stream + " redirected to a file");
        checked.add(stream + ": " + target);
      } else {
        checked.add(stream + ": " + (target == null ? "closed" : target) + ", not a file");
      }
    }
    int open = 0;
    int before = found.size();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(fds)) {
      for (Path fd : ds) {
        Path target = link(fd);
        if (target == null || !target.isAbsolute() || target.startsWith("/dev") || target.startsWith("/proc")) {
          continue;
        }
        open++;
        Path former = deletedName(target);
        if (former != null) {
          // Deleted while open (rotated away, removed by hand): the descriptor still reads it, and it may be the only
          // copy of what happened just before the problem.
          if (looksLikeLog(former) && Files.isRegularFile(fd)) {
            addDeleted(fd, former, "held open by the process, deleted since");
          }
        } else if (looksLikeLog(target) && Files.isRegularFile(target)) {
          add(target, LogFile.Role.ACTIVE, "held open by the process");
        }
      }
    }
    checked.add("open files: " + open + " in /proc/self/fd, " + (found.size() - before) + " more that look like logs");
  }

  /** A name that says log ({@code .log .out .err}, {@code app.log.1}) or a text file under a log directory. */
  static boolean looksLikeLog(Path p) {
    String name = p.getFileName() == null ? "" : p.getFileName().toString().toLowerCase(Locale.ROOT);
    String path = p.toString().toLowerCase(Locale.ROOT);
    if (name.startsWith(".support-packet") || path.contains("/.support-packet-") || name.endsWith(".lck")) {
      return false;
    }
    if (name.endsWith(".log") || name.endsWith(".out") || name.endsWith(".err") || name.matches(".*\\.log\\.\\d+")) {
      return true;
    }
    boolean logDir = path.contains("/log/") || path.contains("/logs/");
    return logDir && !name.matches(".*\\.(jar|class|so|zip|gz|jfr|hprof|db|lock|pid|sock|idx|dat)$");
  }

  /** The name a deleted file had, from its descriptor's link text ("/var/log/app.log (deleted)"); else null. */
  static Path deletedName(Path linkTarget) {
    String t = linkTarget == null ? "" : linkTarget.toString();
    String suffix = " (deleted)";
    return t.startsWith("/") && t.endsWith(suffix) ? Paths.get(t.substring(0, t.length() - suffix.length())) : null;
  }

  private static Path link(Path fd) {
    try {
      return Files.readSymbolicLink(fd);
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return null;
    }
  }

  // --- shared --------------------------------------------------------------------------------------------------

  private void addActive(String file, String how) {
    Path p = cwd.resolve(file).toAbsolutePath().normalize();
    if (Files.isRegularFile(p)) {
      add(p, LogFile.Role.ACTIVE, how);
    } else {
      checked.add(how + ": " + p + " does not exist");
    }
  }

  private void addRolled(String pattern, String how) throws IOException {
    for (Path f : FilePatterns.matching(pattern, FilePatterns::rollingRegex, cwd)) {
      add(f, LogFile.Role.ROLLED, how + " " + pattern);
    }
  }

  /** A deleted file is known by its descriptor: the same one found twice (fd 1 and a scan) is listed once. */
  private void addDeleted(Path fd, Path former, String how) {
    Path key = Paths.get(former + " (deleted)");
    LogFile existing = found.get(key);
    found.put(key, existing == null ? LogFile.deleted(fd, former, how) : existing.alsoFoundBy(LogFile.Role.ACTIVE, how));
  }

  private void add(Path file, LogFile.Role role, String how) {
    Path key;
    try {
      key = file.toRealPath();
    } catch (IOException e) {
      return;
    }
    LogFile existing = found.get(key);
    // A file that one source calls active (being written) stays active when a rolling pattern matches it too.
    found.put(key, existing == null ? new LogFile(file, role, how) : existing.alsoFoundBy(role, how));
  }

  /** True when a class of {@code pkg} has been defined by this loader or one of its parents. */
  static boolean defined(ClassLoader cl, String pkg) {
    for (ClassLoader c = cl; c != null; c = c.getParent()) {
      if (c.getDefinedPackage(pkg) != null) {
        return true;
      }
    }
    return false;
  }

  private static boolean containsSame(List<Object> list, Object o) {
    for (Object x : list) {
      if (x == o) {
        return true;
      }
    }
    return false;
  }

  /**
   * Calls a public no-argument method through a public class or interface that declares it (the object's own class
   * may be private); null when there is none or it fails.
   */
  static Object call(Object target, String method) {
    if (target == null) {
      return null;
    }
    for (Class<?> c = target.getClass(); c != null; c = c.getSuperclass()) {
      Object r = callOn(c, target, method);
      if (r != NO_METHOD) {
        return r;
      }
      for (Class<?> i : c.getInterfaces()) {
        r = callOn(i, target, method);
        if (r != NO_METHOD) {
          return r;
        }
      }
    }
    return null;
  }

  private static final Object NO_METHOD = new Object();

  private static Object callOn(Class<?> c, Object target, String method) {
    if (!Modifier.isPublic(c.getModifiers())) {
      return NO_METHOD;
    }
    try {
      Method m = c.getMethod(method);
      return m.invoke(target);
    } catch (NoSuchMethodException e) {
      return NO_METHOD;
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      return null;
    }
  }
}
