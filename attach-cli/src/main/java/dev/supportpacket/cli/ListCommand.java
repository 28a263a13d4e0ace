package dev.supportpacket.cli;

import dev.supportpacket.agent.AppIdentity;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code list}: the JVMs on this machine, like jps, without touching any of them: those we can take a packet of, with
 * their container and pod when they run in one, and those we cannot, with the reason.
 */
@Command(name = "list", mixinStandardHelpOptions = true,
    description = {"Lists the JVMs: pid, Java version, application, container (runtime and id) and pod when known,",
        "and whether a packet can be taken (or why not). Root sees every user's and container's JVMs."})
final class ListCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.out.printf("%-8s %-7s %-10s %-24s %-40s %s%n", "PID", "NS-PID", "JAVA", "APP", "CONTAINER", "ATTACH");
    for (long pid : TargetProcess.allJvmPids()) {
      TargetProcess t = TargetProcess.of(pid);
      String attach;
      try {
        TargetProcess.verify(Long.toString(pid));
        attach = "yes";
      } catch (CliFailure e) {
        attach = "no: " + e.getMessage();
      }
      // Only the main class or jar: program arguments may hold secrets.
      System.out.printf("%-8d %-7d %-10s %-24s %-40s %s%n", pid, t.namespacePid(),
          TargetProcess.javaVersion(pid).orElse("?"), AppIdentity.appName(t.mainName()), t.container().describe(),
          attach);
    }
    return ExitCode.OK.code;
  }
}
