package dev.supportpacket.agent;

import dev.supportpacket.agent.collect.CollectorRunner;
import dev.supportpacket.agent.options.PacketOptions;
import dev.supportpacket.agent.trigger.FailureKind;
import dev.supportpacket.agent.trigger.StatusFile;
import java.lang.instrument.Instrumentation;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Entry point in the target JVM. Parses the options, hands the work to one daemon thread and returns at once.
 * Nothing here may throw into the host: every failure goes to the status file. Safe to call any number of times;
 * the class stays loaded between attaches, so its one {@link PacketService} guards against overlapping packets.
 */
public final class AgentMain {
  private static final PacketService SERVICE = PacketService.withDefaultCollectors();

  private AgentMain() {}

  /** Started with the application ({@code -javaagent}): only validates the options for now; no work at startup. */
  public static void premain(String args, Instrumentation inst) {
    try {
      PacketOptions.parse(args);
    } catch (Throwable t) {
      // Too early to log and not ours to print on the application's console; a trigger will report it.
    }
  }

  /** Loaded by the attach CLI: writes one packet in the background. */
  public static void agentmain(String args, Instrumentation inst) {
    Optional<Path> statusPath = Optional.empty();
    try {
      statusPath = PacketOptions.statusFileIn(args);
      PacketOptions options = PacketOptions.parse(args);
      StatusFile status = new StatusFile(options.statusFile().orElse(null));
      Thread worker = new Thread(() -> SERVICE.create(options, status), CollectorRunner.THREAD_PREFIX + "main");
      worker.setDaemon(true);
      worker.start();
    } catch (Throwable t) {
      statusPath.ifPresent(p -> new StatusFile(p).failed(FailureKind.BAD_OPTIONS, String.valueOf(t.getMessage())));
    }
  }
}
