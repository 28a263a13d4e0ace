package dev.supportpacket.cli;

import com.sun.tools.attach.VirtualMachine;
import com.sun.tools.attach.VirtualMachineDescriptor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What we know about a process before touching it. HotSpot's attach mechanism sends SIGQUIT to the pid, which
 * kills a process that is not a JVM, so every check here only reads: /proc on Linux, the JVMs' perf data elsewhere.
 */
final class TargetProcess {
  private static final Pattern DISABLE_ATTACH = Pattern.compile("-XX:([+-])DisableAttachMechanism");

  final long pid;
  private final Path proc;

  private TargetProcess(long pid) {
    this.pid = pid;
    this.proc = Paths.get("/proc", Long.toString(pid));
  }

  /**
   * Checks that the pid is a live JVM of this user that accepts attach.
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

  private void verify() throws CliFailure {
    if (pid == ProcessHandle.current().pid()) {
      throw new CliFailure(ExitCode.USAGE, "pid " + pid + " is this tool itself");
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
    String owner = owner();
    String me = System.getProperty("user.name");
    if (!uid(proc).equals(uid(Paths.get("/proc/self")))) {
      throw new CliFailure(ExitCode.OTHER_USER, "pid " + pid + " belongs to user " + owner + ", not " + me
          + "; run as that user: sudo -u " + owner + " java -jar attach.jar " + pid);
    }
    if (!mapsJvmLibrary()) {
      throw new CliFailure(ExitCode.NOT_A_JVM,
          "pid " + pid + " (" + command() + ") is not a Java virtual machine; nothing was sent to it");
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
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  /** The JVM's main class or jar and arguments as the perf data shows them, or the /proc command name. */
  String command() {
    try {
      return new String(Files.readAllBytes(proc.resolve("comm")), StandardCharsets.UTF_8).trim();
    } catch (IOException | RuntimeException e) {
      return ProcessHandle.of(pid).flatMap(h -> h.info().command()).orElse("?");
    }
  }

  private String owner() {
    try {
      return Files.getOwner(proc).getName();
    } catch (IOException e) {
      return "?";
    }
  }

  private static Object uid(Path p) throws CliFailure {
    try {
      return Files.getAttribute(p, "unix:uid");
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

  /** The last -XX:±DisableAttachMechanism on the command line or in the JVM's option variables wins. */
  private boolean attachDisabled() {
    String all = read("cmdline").replace('\0', ' ') + " " + optionVariables();
    Matcher m = DISABLE_ATTACH.matcher(all);
    boolean disabled = false;
    while (m.find()) {
      disabled = m.group(1).equals("+");
    }
    return disabled;
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
      Path exe = Paths.get("/proc", Long.toString(pid), "exe").toRealPath();
      for (Path home = exe.getParent(); home != null; home = home.getParent()) {
        Path release = home.resolve("release");
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

  static List<VirtualMachineDescriptor> listJvms() {
    return VirtualMachine.list();
  }

  /** The process's working directory, where its packets go by default; empty when it cannot be read. */
  Optional<Path> workingDirectory() {
    try {
      return Optional.of(Files.readSymbolicLink(proc.resolve("cwd")));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
