package dev.supportpacket.cli;

import com.sun.tools.attach.VirtualMachineDescriptor;
import dev.supportpacket.agent.report.AppIdentity;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code list}: the JVMs of this user that can be attached, like jps, without touching any of them. */
@Command(name = "list", mixinStandardHelpOptions = true,
    description = "Lists the JVMs you can take a packet of: pid, Java version, application.")
final class ListCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    long self = ProcessHandle.current().pid();
    System.out.printf("%-8s %-12s %s%n", "PID", "JAVA", "APP");
    for (VirtualMachineDescriptor d : TargetProcess.listJvms()) {
      long pid;
      try {
        pid = Long.parseLong(d.id());
      } catch (NumberFormatException e) {
        continue;
      }
      if (pid == self) {
        continue;
      }
      // Only the main class or jar: program arguments may hold secrets.
      System.out.printf("%-8d %-12s %s%n", pid, TargetProcess.javaVersion(pid).orElse("?"),
          AppIdentity.appName(d.displayName()));
    }
    return ExitCode.OK.code;
  }
}
