package dev.supportpacket.cli;

import dev.supportpacket.agent.AppIdentity;
import dev.supportpacket.agent.options.PacketOptions;
import dev.supportpacket.agent.packet.PrivateFiles;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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
  private static final Pattern PID = Pattern.compile("\\d+");
  private static final String CONVERTER_EXCLUDES = "picocli.converters.excludes";

  @Parameters(index = "0", arity = "0..1", paramLabel = "PID", description = "The JVM to take a packet of (see `list`).")
  String pid;

  @Mixin PacketOptionsMixin packet;

  @Override
  public Integer call() throws CliFailure {
    if (pid == null) {
      throw new CliFailure(ExitCode.USAGE, "which JVM? give its pid; `java -jar attach.jar list` shows them");
    }
    PacketOptions.Builder options = packet.toBuilder();
    Path cwd = Paths.get("").toAbsolutePath();
    TargetProcess target;
    try {
      target = TargetProcess.verify(pid);
    } catch (CliFailure f) {
      if (f.code == ExitCode.NO_SUCH_PROCESS) {
        removeLeftovers(packet.output != null ? packet.output : cwd);
      }
      throw f;
    }
    Path outputDir = packet.output != null ? packet.output : target.workingDirectory().orElse(cwd);
    try {
      return new PacketRequest(target, options, packet.timeout(), packet.progressView())
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
    CommandLine cmd = new CommandLine(new Main());
    if (args.length == 0 || !PID.matcher(args[0]).matches()) {
      // Only when no pid leads: their models cost tens of ms of a start that is on every packet's clock.
      for (Object sub : new Object[] {new ListCommand(), new DemoCommand(), new ScanCommand(), new AnalyzeCommand(), new AuditCommand()}) {
        cmd.addSubcommand(sub);
      }
    }
    Map<String, String> codes = new LinkedHashMap<>();
    for (ExitCode c : ExitCode.values()) {
      codes.put(Integer.toString(c.code), c.meaning);
    }
    cmd.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(codes);
    cmd.setExitCodeExceptionMapper(t -> ExitCode.USAGE.code);
    cmd.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          if (e instanceof CliFailure) {
            System.err.println("error: " + e.getMessage());
            return ((CliFailure) e).code.code;
          }
          System.err.println("error: unexpected " + e);
          return ExitCode.AGENT_FAILED.code;
        });
    return cmd.execute(args);
  }

  /** The version printed by --version. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"support-packet " + AppIdentity.generatorVersion()};
    }
  }
}
