package dev.supportpacket.cli;

import dev.supportpacket.agent.report.AppIdentity;
import dev.supportpacket.agent.options.PacketOptions;
import dev.supportpacket.agent.packet.PrivateFiles;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code java -jar attach.jar <pid>}: the only place that calls System.exit. */
@Command(
    name = "java -jar attach.jar",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    sortOptions = false,
    description = {
      "Writes a sanitized support packet of a running JVM: CPU profile, threads, heap histogram, JVM settings.",
      "The zip goes beside the process (its working directory) unless --output says otherwise; its path is printed.",
      ""
    })
public final class Main implements Callable<Integer> {
  private static final String CONVERTER_EXCLUDES = "picocli.converters.excludes";

  @Parameters(arity = "0..*", paramLabel = "PID",
      description = "The JVM to take a packet of (see `list`); several pids make one bundle of their packets.")
  List<String> pids = new ArrayList<>();

  @Option(names = "--all", description = "Every JVM this user may attach to (root: every JVM, containers too), in one"
      + " bundle.")
  boolean all;

  @Option(names = "--match", paramLabel = "REGEX", description = "The JVMs whose command line matches REGEX, in one"
      + " bundle.")
  Pattern match;

  @Option(names = "--parallel", paramLabel = "N",
      description = "For a bundle: at most N packets at once. Default: ${DEFAULT-VALUE}.")
  int parallel = 4;

  @Mixin PacketOptionsMixin packet = new PacketOptionsMixin();

  /** The preparation of the pid that leads the command line, started before picocli reads it; null when none. */
  private final PreparedTarget.Pending early;

  Main(PreparedTarget.Pending early) {
    this.early = early;
  }

  @Override
  public Integer call() throws CliFailure {
    if (pids.isEmpty() && !all && match == null) {
      throw new CliFailure(ExitCode.USAGE, "which JVM? give its pid, or --all; `java -jar attach.jar list` shows them");
    }
    PacketOptions.Builder options = packet.toBuilder();
    PacketRequest.HostFiles files = packet.hostFiles();
    if (pids.size() == 1 && !all && match == null) {
      return single(pids.get(0), options, files);
    }
    if (parallel < 1 || parallel > 64) {
      throw new CliFailure(ExitCode.USAGE, "--parallel must be 1 to 64, not " + parallel);
    }
    List<String> chosen = new ArrayList<>(pids);
    if (all || match != null) {
      for (long pid : TargetProcess.allJvmPids()) {
        if ((match == null || match.matcher(TargetProcess.of(pid).commandLine()).find())
            && !chosen.contains(Long.toString(pid))) {
          chosen.add(Long.toString(pid));
        }
      }
    }
    if (chosen.isEmpty()) {
      throw new CliFailure(ExitCode.NO_SUCH_PROCESS, "no JVM " + (match != null ? "matches " + match.pattern()
          : "was found") + "; `java -jar attach.jar list` shows them");
    }
    return new BundleRun(chosen, packet, files.output(), parallel).run(System.out, System.err);
  }

  private int single(String pid, PacketOptions.Builder options, PacketRequest.HostFiles files) throws CliFailure {
    Path cwd = Paths.get("").toAbsolutePath();
    PreparedTarget target;
    try {
      target = early != null ? early.get(pid) : PreparedTarget.of(pid);
    } catch (CliFailure f) {
      if (f.code == ExitCode.NO_SUCH_PROCESS) {
        removeLeftovers(files.output() != null ? files.output() : cwd);
      }
      throw f;
    }
    // Where the JVM writes, as this process reaches it (a container's directory through /proc/pid/root).
    TargetProcess process = target.process;
    Path outputDir = files.output() != null ? files.output()
        : process.workingDirectory().map(process::hostPath).orElse(cwd);
    try {
      return new PacketRequest(target, options, files, packet.timeout(), packet.progressView())
          .run()
          .print(System.out, System.err, packet.quiet);
    } catch (CliFailure f) {
      if (f.code == ExitCode.TARGET_DIED) {
        removeLeftovers(outputDir);
      }
      throw f;
    }
  }

  /**
   * A JVM killed while writing a packet leaves its partial zip and work directory (maybe a raw, unscrubbed heap dump)
   * behind; whoever asks about a dead pid gets them removed, and is told what was removed.
   */
  private static void removeLeftovers(Path dir) {
    for (String line : PrivateFiles.removeLeftovers(dir.toAbsolutePath())) {
      System.err.println("support-packet: " + dir.toAbsolutePath() + ": " + line);
    }
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit code (tests call this instead of main). */
  static int run(String... args) {
    if (System.getProperty(CONVERTER_EXCLUDES) == null) {
      // No option of ours takes a java.sql or java.time type; registering their converters by reflection costs
      // 15-20 ms of a start that is on every packet's clock.
      System.setProperty(CONVERTER_EXCLUDES, "java\\.sql\\..*,java\\.time\\..*");
    }
    boolean pidFirst = args.length > 0 && isPid(args[0]);
    // The usual command, a pid and options: the steps that need no option run meanwhile, on a thread of their own.
    PreparedTarget.Pending early = pidFirst ? PreparedTarget.start(args[0]) : null;
    if (pidFirst) {
      Optional<Main> plain = PlainCommandLine.read(args, early);
      if (plain.isPresent()) {
        try {
          return plain.get().call();
        } catch (Exception e) {
          return failed(e);
        }
      }
    }
    CommandLine cmd = new CommandLine(new Main(early));
    if (!pidFirst) {
      // Only when no pid leads: their models cost tens of ms of a start that is on every packet's clock.
      for (Object sub : new Object[] {new ListCommand(), new DemoCommand(), new ScanCommand(), new AnalyzeCommand(),
          new AuditCommand(), new SanitizeCommand()}) {
        cmd.addSubcommand(sub);
      }
    }
    Map<String, String> codes = new LinkedHashMap<>();
    for (ExitCode c : ExitCode.values()) {
      codes.put(Integer.toString(c.code), c.meaning);
    }
    cmd.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(codes);
    cmd.setExitCodeExceptionMapper(t -> ExitCode.USAGE.code);
    cmd.setExecutionExceptionHandler((e, commandLine, parseResult) -> failed(e));
    return cmd.execute(args);
  }

  /** Says why a command failed; returns its exit code. */
  private static int failed(Exception e) {
    if (e instanceof CliFailure) {
      System.err.println("error: " + e.getMessage());
      return ((CliFailure) e).code.code;
    }
    System.err.println("error: unexpected " + e);
    return ExitCode.AGENT_FAILED.code;
  }

  /**
   * Digits only, tested without a regex: this JVM's first regex bootstraps java.lang.invoke (tens of ms), which would
   * come before the preparation has even started.
   */
  static boolean isPid(String arg) {
    for (int i = 0; i < arg.length(); i++) {
      if (arg.charAt(i) < '0' || arg.charAt(i) > '9') {
        return false;
      }
    }
    return !arg.isEmpty();
  }

  /** The version printed by --version. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"support-packet " + AppIdentity.generatorVersion()};
    }
  }
}
