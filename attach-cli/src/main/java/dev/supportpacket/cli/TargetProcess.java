package dev.supportpacket.cli;

import com.sun.tools.attach.VirtualMachine;
import com.sun.tools.attach.VirtualMachineDescriptor;
import dev.supportpacket.agent.report.ContainerIdentity;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What we know about a process before touching it. HotSpot's attach mechanism sends SIGQUIT to the pid, which
 * kills a process that is not a JVM and makes a stopped or hung JVM print a thread dump on its stdout when it gets
 * to it, so every check here only reads: /proc on Linux, the JVMs' perf data elsewhere.
 *
 * <p>A target may live in other pid and mount namespaces (a container): its pid there comes from {@code NSpid} in
 * /proc/pid/status, and its files are reached through /proc/pid/root ({@link #root}), as jattach and the JDK's own
 * attach client do. The JDK 17 attach client already finds the socket and the trigger file that way.
 */
final class TargetProcess {
  private static final Pattern DISABLE_ATTACH = Pattern.compile("-XX:([+-])DisableAttachMechanism");
  /** An @argfile or -XX:VMOptionsFile larger than this is not a real option file: read only its head. */
  private static final int MAX_OPTION_FILE = 1 << 20;
  private static final long ROOT_UID = 0;

  final long pid;
  private final Path proc;

  private TargetProcess(long pid) {
    this.pid = pid;
    this.proc = Paths.get("/proc", Long.toString(pid));
  }

  /**
   * Checks that the pid is a live JVM that accepts attach and that this user may attach to (its owner, or root).
   *
   * @throws CliFailure naming what is wrong and the fix; nothing was sent to the process
   */
  static TargetProcess verify(String pidText) throws CliFailure {
    long pid;
    try {
      pid = Long.parseLong(pidText.trim());
    } catch (NumberFormatException e) {
      throw new CliFailure(ExitCode.USAGE, "'" + pidText + "' is not a pid; `java -jar attach.jar list` shows the JVMs");
    }
    TargetProcess t = new TargetProcess(pid);
    t.verify();
    return t;
  }

  /** A process found by {@code list} or {@code --all}, not yet verified. */
  static TargetProcess of(long pid) {
    return new TargetProcess(pid);
  }

  private void verify() throws CliFailure {
    if (pid == ProcessHandle.current().pid()) {
      throw new CliFailure(ExitCode.USAGE, "pid " + pid + " is this tool itself");
    }
    char state = state();
    if (state == 'Z' || state == 'X') {
      throw new CliFailure(ExitCode.NO_SUCH_PROCESS, "pid " + pid + " has exited (a zombie its parent has not"
          + " collected yet); there is no JVM left to take a packet of");
    }
    if (!alive()) {
      throw new CliFailure(ExitCode.NO_SUCH_PROCESS,
          "no process with pid " + pid + "; `java -jar attach.jar list` shows the JVMs you can attach to");
    }
    if (!Files.isDirectory(proc)) {
      // No /proc (macOS, Windows): a JVM we may attach to publishes perf data that lists it.
      if (!listedJvm()) {
        throw new CliFailure(ExitCode.NOT_A_JVM, "pid " + pid + " is not a JVM of this user that can be attached"
            + " (or it runs with -XX:-UsePerfData); nothing was sent to it");
      }
      return;
    }
    long me = uid(Paths.get("/proc/self"));
    long owner = uid();
    if (owner != me && me != ROOT_UID) {
      String name = owner();
      throw new CliFailure(ExitCode.OTHER_USER, "pid " + pid + " belongs to user " + name + ", not "
          + System.getProperty("user.name") + "; run as that user: sudo -u " + name + " java -jar attach.jar " + pid
          + " (or as root)");
    }
    if (!mapsJvmLibrary()) {
      throw new CliFailure(ExitCode.NOT_A_JVM,
          "pid " + pid + " (" + command() + ") is not a Java virtual machine; nothing was sent to it");
    }
    if (state == 'T' || state == 't') {
      // A signal sent now waits in the kernel; on SIGCONT the JVM handles it late, after the attach client gave up
      // and removed its trigger file, and prints a thread dump (unsanitized) on its stdout instead.
      throw new CliFailure(ExitCode.ATTACH_DISABLED, "pid " + pid + " is stopped (state " + state + ": SIGSTOP,"
          + " Ctrl-Z or a debugger holds it); a stopped JVM cannot answer, so nothing was sent to it and it will"
          + " resume exactly as it was, with nothing of ours pending. Resume it (kill -CONT " + pid + ") and try again");
    }
    if (TargetCgroup.of(read("cgroup")).frozen()) {
      // Not stopped as far as its state tells (D or S), but it runs nothing: the same as a stopped JVM.
      throw new CliFailure(ExitCode.ATTACH_DISABLED, "pid " + pid + " is frozen by its cgroup's freezer (docker pause,"
          + " a paused pod); a frozen JVM cannot answer, so nothing was sent to it and it will resume exactly as it was,"
          + " with nothing of ours pending. Thaw it (docker unpause) and try again");
    }
    if (workingDirectoryDeleted()) {
      // Measured on JDK 17: a JVM whose working directory is gone and that never opened a jar fails to initialise
      // ZipFile when the agent jar is loaded, and can open no zip file ever after. Never risk that.
      throw new CliFailure(ExitCode.OUTPUT_PROBLEM, "the working directory of pid " + pid + " was deleted;"
          + " loading an agent into it could break its jar loading. Restart it from an existing directory,"
          + " or start it with the agent (-javaagent, see README)");
    }
    if (attachDisabled()) {
      throw new CliFailure(ExitCode.ATTACH_DISABLED, "pid " + pid + " runs with -XX:+DisableAttachMechanism;"
          + " start it with the agent instead: -javaagent:agent.jar (see README, startup agent)");
    }
  }

  boolean alive() {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && state() != 'Z';
  }

  /** The scheduler state from /proc/pid/stat (R, S, D, T, t, Z…), or '?' when unknown. */
  char state() {
    String stat = read("stat");
    int close = stat.lastIndexOf(')');
    return close > 0 && close + 2 < stat.length() ? stat.charAt(close + 2) : '?';
  }

  /** The pid the JVM sees for itself: the last of NSpid in /proc/pid/status, or the pid in our own namespace. */
  long namespacePid() {
    for (String line : read("status").split("\n")) {
      if (line.startsWith("NSpid:")) {
        String[] ids = line.substring("NSpid:".length()).trim().split("\\s+");
        try {
          return Long.parseLong(ids[ids.length - 1]);
        } catch (NumberFormatException e) {
          return pid;
        }
      }
    }
    return pid;
  }

  /** The owner's uid, as the kernel reports the process directory. */
  long uid() throws CliFailure {
    return uid(proc);
  }

  /** The owner's primary gid. */
  long gid() throws CliFailure {
    try {
      return ((Number) Files.getAttribute(proc, "unix:gid")).longValue();
    } catch (IOException | RuntimeException e) {
      throw new CliFailure(ExitCode.NO_SUCH_PROCESS, "cannot read " + proc + ": " + e.getMessage());
    }
  }

  /**
   * The target's file system as this process reaches it: "/" when both share a mount namespace, else
   * /proc/pid/root (a container's root, or the host's seen from a debug container).
   */
  Path root() {
    return sameMountNamespace() ? Paths.get("/") : proc.resolve("root");
  }

  boolean sameMountNamespace() {
    try {
      return Files.readSymbolicLink(proc.resolve("ns/mnt")).equals(Files.readSymbolicLink(Paths.get("/proc/self/ns/mnt")));
    } catch (IOException | RuntimeException e) {
      // Not Linux, or not allowed to look: only the owner or root reads it, and both see the same files then.
      return true;
    }
  }

  /** A path of the target's file system (absolute, as the JVM sees it) as this process reaches it. */
  Path hostPath(Path inTarget) {
    return sameMountNamespace() ? inTarget : root().resolve(Paths.get("/").relativize(inTarget.toAbsolutePath()));
  }

  /** The JVM's working directory as it sees it, where its packets go by default; empty when it cannot be read. */
  Optional<Path> workingDirectory() {
    try {
      Path cwd = Files.readSymbolicLink(proc.resolve("cwd"));
      return cwd.isAbsolute() ? Optional.of(cwd) : Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Container and pod of the process, from its cgroup and its own file system. */
  ContainerIdentity container() {
    return ContainerIdentity.of(read("cgroup"), root());
  }

  /** The JVM's main class or jar and arguments as the perf data shows them, or the /proc command name. */
  String command() {
    try {
      return new String(Files.readAllBytes(proc.resolve("comm")), StandardCharsets.UTF_8).trim();
    } catch (IOException | RuntimeException e) {
      return ProcessHandle.of(pid).flatMap(h -> h.info().command()).orElse("?");
    }
  }

  /** The whole command line, for --match only: it may hold secrets, so it is never printed. */
  String commandLine() {
    return read("cmdline").replace('\0', ' ').trim();
  }

  /** The command line as the kernel keeps it, one argument each; may hold secrets: for the sanitizer to learn. */
  List<String> arguments() {
    return List.of(read("cmdline").split("\0"));
  }

  /** The environment the process started with, as the kernel keeps it; holds secrets: for the sanitizer to learn. */
  Map<String, String> environment() {
    Map<String, String> env = new LinkedHashMap<>();
    for (String var : read("environ").split("\0")) {
      int eq = var.indexOf('=');
      if (eq > 0) {
        env.put(var.substring(0, eq), var.substring(eq + 1));
      }
    }
    return env;
  }

  /**
   * One file of /proc/pid ({@code status}, {@code limits}, {@code cgroup}) as text; empty when it cannot be read.
   * The kernel writes these, not the process.
   */
  String procFile(String name) {
    return read(name);
  }

  /** The main class or jar, from the command line; never its arguments, which may hold secrets. */
  String mainName() {
    String[] args = read("cmdline").split("\0");
    for (int i = 1; i < args.length; i++) {
      String a = args[i];
      if (a.equals("-jar") && i + 1 < args.length) {
        return args[i + 1];
      }
      if (a.equals("-cp") || a.equals("-classpath") || a.equals("--class-path") || a.equals("-p")
          || a.equals("--module-path") || a.equals("--add-opens") || a.equals("--add-exports")) {
        i++;
      } else if (a.equals("-m") || a.equals("--module")) {
        return i + 1 < args.length ? args[i + 1] : "?";
      } else if (!a.startsWith("-") && !a.startsWith("@")) {
        return a;
      }
    }
    return command();
  }

  private String owner() {
    try {
      return Files.getOwner(proc).getName();
    } catch (IOException e) {
      return "?";
    }
  }

  private static long uid(Path p) throws CliFailure {
    try {
      return ((Number) Files.getAttribute(p, "unix:uid")).longValue();
    } catch (IOException | RuntimeException e) {
      throw new CliFailure(ExitCode.NO_SUCH_PROCESS, "cannot read " + p + ": " + e.getMessage());
    }
  }

  /** A HotSpot or OpenJ9 JVM has its VM library mapped. */
  private boolean mapsJvmLibrary() throws CliFailure {
    try {
      String maps = new String(Files.readAllBytes(proc.resolve("maps")), StandardCharsets.ISO_8859_1);
      return maps.contains("/libjvm.so") || maps.contains("/libj9vm") || maps.contains("/libjvm.dylib");
    } catch (IOException e) {
      if (uid(Paths.get("/proc/self")) == ROOT_UID) {
        // Root reads every map except of a process the kernel guards from ptrace: not dumpable, or of a user
        // namespace above ours (a container runtime, an init). Its owner could not attach either.
        throw new CliFailure(ExitCode.NOT_A_JVM, "pid " + pid + " (" + command() + ") cannot be inspected: the kernel"
            + " denies even root its memory map (" + e.getMessage() + "), as it does for a process that is not"
            + " dumpable or belongs to a user namespace above ours; it cannot be attached, and nothing was sent to it");
      }
      throw new CliFailure(ExitCode.OTHER_USER,
          "cannot read the memory map of pid " + pid + " (" + e.getMessage() + "); run as the user that owns it");
    }
  }

  private boolean workingDirectoryDeleted() {
    try {
      return Files.readSymbolicLink(proc.resolve("cwd")).toString().endsWith(" (deleted)");
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /**
   * The last -XX:±DisableAttachMechanism wins, in the order the launcher reads them: the option variables, then the
   * command line with its @argfiles and -XX:VMOptionsFile expanded.
   */
  boolean attachDisabled() {
    StringBuilder all = new StringBuilder(optionVariables());
    for (String arg : read("cmdline").split("\0")) {
      if (arg.startsWith("@") && arg.length() > 1) {
        all.append(optionFile(arg.substring(1))).append(' ');
      } else if (arg.startsWith("-XX:VMOptionsFile=")) {
        all.append(optionFile(arg.substring("-XX:VMOptionsFile=".length()))).append(' ');
      } else {
        all.append(arg).append(' ');
      }
    }
    Matcher m = DISABLE_ATTACH.matcher(all);
    boolean disabled = false;
    while (m.find()) {
      disabled = m.group(1).equals("+");
    }
    return disabled;
  }

  /**
   * An option file as the target resolved it: relative to its working directory, inside its mount namespace. Read
   * through /proc (never following the path from our own root) and only its head: a hostile name could point at a
   * device or an endless file.
   */
  private String optionFile(String name) {
    Path p = Paths.get(name);
    Path file = p.isAbsolute() ? hostPath(p) : proc.resolve("cwd").resolve(p);
    if (!Files.isRegularFile(file)) {
      return "";
    }
    try (InputStream in = Files.newInputStream(file)) {
      return new String(in.readNBytes(MAX_OPTION_FILE), StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  private String optionVariables() {
    StringBuilder sb = new StringBuilder();
    for (String var : read("environ").split("\0")) {
      if (var.startsWith("JAVA_TOOL_OPTIONS=") || var.startsWith("JDK_JAVA_OPTIONS=") || var.startsWith("_JAVA_OPTIONS=")) {
        sb.append(var.substring(var.indexOf('=') + 1)).append(' ');
      }
    }
    return sb.toString();
  }

  private String read(String name) {
    try {
      return new String(Files.readAllBytes(proc.resolve(name)), StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  private boolean listedJvm() {
    String id = Long.toString(pid);
    return VirtualMachine.list().stream().anyMatch(d -> d.id().equals(id));
  }

  /** The Java version of a JVM, read from the release file of the java it runs; empty when unknown. */
  static Optional<String> javaVersion(long pid) {
    try {
      // The link's text is the path in the target's mount namespace; resolving it here would find our own java.
      Path exe = Files.readSymbolicLink(Paths.get("/proc", Long.toString(pid), "exe"));
      TargetProcess t = new TargetProcess(pid);
      for (Path home = exe.getParent(); home != null; home = home.getParent()) {
        Path release = t.hostPath(home.resolve("release"));
        if (Files.isRegularFile(release)) {
          for (String line : Files.readAllLines(release, StandardCharsets.UTF_8)) {
            if (line.startsWith("JAVA_VERSION=")) {
              return Optional.of(line.substring("JAVA_VERSION=".length()).replace("\"", ""));
            }
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or not ours to read
    }
    return Optional.empty();
  }

  /**
   * Every process that maps a JVM library, from /proc: JVMs of every user and container, which the perf data in our
   * own /tmp would not show. Falls back to the perf data where there is no /proc.
   */
  static List<Long> allJvmPids() {
    Path procRoot = Paths.get("/proc");
    if (!Files.isDirectory(procRoot.resolve("self"))) {
      List<Long> pids = new ArrayList<>();
      for (VirtualMachineDescriptor d : VirtualMachine.list()) {
        try {
          pids.add(Long.parseLong(d.id()));
        } catch (NumberFormatException e) {
          // not a pid
        }
      }
      return pids;
    }
    List<Long> pids = new ArrayList<>();
    long self = ProcessHandle.current().pid();
    ProcessHandle.allProcesses().forEach(h -> {
      if (h.pid() != self && looksLikeJvm(procRoot.resolve(Long.toString(h.pid())))) {
        pids.add(h.pid());
      }
    });
    return pids;
  }

  /** Cheap test on a process we may not own: its executable is named java, or its map shows libjvm. */
  private static boolean looksLikeJvm(Path proc) {
    try {
      if (Files.isSymbolicLink(proc.resolve("exe"))
          && Files.readSymbolicLink(proc.resolve("exe")).getFileName().toString().equals("java")) {
        return true;
      }
    } catch (IOException | RuntimeException e) {
      // not ours to read: look at the command name below
    }
    try {
      String comm = new String(Files.readAllBytes(proc.resolve("comm")), StandardCharsets.UTF_8).trim();
      return comm.equals("java") || Files.exists(proc.resolve("maps"), LinkOption.NOFOLLOW_LINKS)
          && new String(Files.readAllBytes(proc.resolve("maps")), StandardCharsets.ISO_8859_1).contains("/libjvm.so");
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }
}
