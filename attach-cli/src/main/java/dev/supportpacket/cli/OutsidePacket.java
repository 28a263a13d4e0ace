package dev.supportpacket.cli;

import dev.supportpacket.agent.collect.jvm.VmFlagsCollector;
import dev.supportpacket.agent.findings.Analysis;
import dev.supportpacket.agent.findings.model.PacketModel;
import dev.supportpacket.agent.packet.Packet;
import dev.supportpacket.agent.packet.PrivateFiles;
import dev.supportpacket.agent.packet.ZipSink;
import dev.supportpacket.agent.report.AppIdentity;
import dev.supportpacket.agent.report.Metadata;
import dev.supportpacket.agent.report.Outcome;
import dev.supportpacket.agent.report.ReadmeHtml;
import dev.supportpacket.agent.report.Report;
import dev.supportpacket.agent.sanitize.ProcessSecrets;
import dev.supportpacket.agent.sanitize.Sanitizer;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The packet the attach CLI writes itself, from outside a JVM whose heap is too full for the agent to start in it
 * (the agent refuses with {@code HEAP_TOO_FULL}): partial, but an answer within the minute instead of none.
 *
 * <p>It holds only what costs the JVM no Java heap and runs no Java code in it: diagnostic commands HotSpot executes
 * natively on its attach listener thread ({@link #COMMANDS}), asked over the attach socket as {@code jcmd} asks, and
 * what the kernel tells of the process in /proc. Everything else is listed as left out, with why ({@link #LEFT_OUT}).
 * {@code Thread.print} goes without {@code -l}: on JDK 17 to 25 the locked ownable synchronizers are found by a
 * stop-the-world walk of the whole heap (the agent's own thread dump avoids it for the same reason).
 *
 * <p>Every entry passes the agent's own sanitizer through the agent's {@link Packet}, with the operator's rules and
 * site key: a secret of the command line becomes the same token as in a packet the agent writes with that key. What
 * the sanitizer learns from the process comes from outside too: the environment and arguments in /proc and the
 * arguments the JVM names in {@code VM.command_line} (@argfiles expanded). The analysis runs here, in the CLI's heap,
 * over the written entries, as it does at the end of every packet.
 */
final class OutsidePacket {
  /** Each command's deadline: one that needs a safepoint waits for the JVM's collections, but not for this long. */
  private static final Duration COMMAND_DEADLINE = Duration.ofSeconds(10);
  /** All commands together: the operator gets an answer within the minute even when the JVM answers slowly. */
  private static final Duration TOTAL_DEADLINE = Duration.ofSeconds(30);
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final String ENTRY_VERSION = "jvm/version.txt";
  private static final String ENTRY_COMMAND_LINE = "jvm/command-line.txt";
  private static final String ENTRY_FLAGS = "jvm/flags.yaml";

  /** The JVM's own diagnostic commands asked from outside: none allocates in the Java heap or runs Java code. */
  private static final List<Command> COMMANDS = List.of(
      new Command("vm-version", "VM.version", ENTRY_VERSION),
      new Command("uptime", "VM.uptime", "jvm/uptime.txt"),
      new Command("command-line", "VM.command_line", ENTRY_COMMAND_LINE),
      new Command("vm-flags", "VM.flags", ENTRY_FLAGS),
      new Command("heap-info", "GC.heap_info", "jvm/heap-info.txt"),
      new Command("thread-dump", "Thread.print", PacketModel.THREADS));

  /** What a packet of the agent holds and this one cannot, and why: collector id → reason. */
  private static final Map<String, String> LEFT_OUT = leftOut();

  private final TargetProcess target;
  private final Sanitizer sanitizer;
  private final boolean heapDumpAsked;

  /**
   * @param sanitizer made from the operator's rules and site key, as the agent would make it
   * @param heapDumpAsked whether the request asked for a heap dump, which is then listed as left out
   */
  OutsidePacket(TargetProcess target, Sanitizer sanitizer, boolean heapDumpAsked) {
    this.target = target;
    this.sanitizer = sanitizer;
    this.heapDumpAsked = heapDumpAsked;
  }

  private static Map<String, String> leftOut() {
    Map<String, String> m = new LinkedHashMap<>();
    String jfr = "JFR records inside the JVM, with buffers and a parser that need its heap";
    m.put("cpu-profile", jfr);
    m.put("jfr-events", jfr);
    m.put("thread-snapshots", "taken by the agent inside the JVM over the profile window; one thread dump instead");
    m.put("jvm-readings", "read through the JVM's management beans, which run Java code inside it; GC.heap_info"
        + " instead");
    m.put("runtime", "read through the JVM's management beans, which run Java code inside it");
    m.put("heap-histogram", "GC.class_histogram walks the whole heap (a live one forces a full collection) of a JVM"
        + " that has no room");
    m.put("system-properties", "VM.system_properties runs Java code inside the JVM, which serializes them on its"
        + " heap; the -D options are in jvm/command-line.txt");
    m.put("environment", "the agent reads it inside the JVM; this packet keeps to what the JVM itself reports");
    m.put("config-files", "found by the agent from inside the JVM (its class path and working directory)");
    m.put("log-files", "found by the agent from inside the JVM (its logging configuration and open files)");
    return m;
  }

  /**
   * Asks the JVM what it can give from outside and writes the packet into {@code dir} (as this process reaches it).
   *
   * @param refusal the agent's own words for why it did not start: the heap's figures
   * @param shownDir {@code dir} as the operator names it (the path printed)
   * @throws CliFailure OUTPUT_PROBLEM when the packet cannot be written there
   */
  PacketRequest.Result write(String refusal, Path dir, Path shownDir) throws CliFailure {
    long startedAt = System.currentTimeMillis();
    List<Outcome> outcomes = new ArrayList<>();
    Map<Command, String> answers = ask(outcomes);
    learnSecrets(answer(answers, ENTRY_COMMAND_LINE));

    String app = AppIdentity.appName(target.mainName());
    long pid = target.namespacePid();
    Path file = dir.resolve("support-packet-" + app + "-" + pid + "-" + STAMP.format(Instant.ofEpochMilli(startedAt))
        + ".zip");
    Path scratch;
    try {
      scratch = PrivateFiles.createDirectory(
          PrivateFiles.temporaryName(Paths.get(System.getProperty("java.io.tmpdir")), ".work"));
    } catch (IOException e) {
      throw new CliFailure(ExitCode.OUTPUT_PROBLEM, "cannot make a work directory in "
          + System.getProperty("java.io.tmpdir") + ": " + e.getMessage() + "; set another with -Djava.io.tmpdir=DIR");
    }
    try (ZipSink sink = ZipSink.create(PrivateFiles.createDirectories(dir).resolve(file.getFileName()), scratch,
        Set.copyOf(PacketModel.READS))) {
      Packet packet = new Packet(sanitizer, sink);
      for (Map.Entry<Command, String> a : answers.entrySet()) {
        Command c = a.getKey();
        if (c.entry.equals(ENTRY_FLAGS)) {
          packet.ownedBy(c.id).addYaml(c.entry, VmFlagsCollector.parse(a.getValue()));
        } else {
          packet.ownedBy(c.id).addText(c.entry, w -> w.write(a.getValue()));
        }
      }
      proc(packet, outcomes);
      LEFT_OUT.forEach((id, why) -> outcomes.add(Outcome.skipped(id, 0, "left out: " + why)));
      if (heapDumpAsked) {
        outcomes.add(Outcome.skipped("heap-dump", 0, "left out: a heap dump walks and writes the whole heap of a JVM"
            + " that has no room; ask again when it has"));
      }
      Analysis analysis = Analysis.writeInto(packet);
      // The agent's words up to its advice, which was for an operator left without a packet.
      int advice = refusal.indexOf("; nothing was collected");
      String because = "the agent refused to start inside it: " + (advice > 0 ? refusal.substring(0, advice) : refusal);
      Report report = Report.collectedOutside(outcomes, packet.entries(), packet.notes(), because);
      AppIdentity identity = AppIdentity.of(app, pid, AppIdentity.hostName());
      packet.addYaml("metadata.yaml", Metadata.collectedOutside(identity, startedAt,
          firstLine(answer(answers, ENTRY_VERSION)), target.container().toMap(), Sanitizer.VERSION,
          sanitizer.usesSiteKey()));
      packet.addText("report.txt", report::writeReport);
      packet.addText("warning.txt", report::writeWarnings);
      packet.addText(ReadmeHtml.ENTRY, w -> ReadmeHtml.write(w, identity, report, packet.entries(), analysis));
      // Its name may have gained a number: a file of that name was there already.
      Path sealed = sink.seal().path();
      return new PacketRequest.Result(shownDir.resolve(sealed.getFileName()), false,
          "The JVM's heap is too full for the agent; the attach CLI wrote this partial packet from outside it.");
    } catch (IOException e) {
      throw new CliFailure(ExitCode.OUTPUT_PROBLEM, "the heap of pid " + target.pid + " is too full for the agent,"
          + " and the packet written from outside it could not be written to " + shownDir + ": " + e.getMessage()
          + "; choose another directory with --output");
    } finally {
      // The sink removes it when it closes; not when it could not be made.
      PrivateFiles.deleteTree(scratch);
    }
  }

  /**
   * Asks each command in turn within its deadline. A JVM that does not answer one is not asked the next: it is
   * stuck (a safepoint that does not end), and each further request would only wait as long.
   */
  private Map<Command, String> ask(List<Outcome> outcomes) {
    Map<Command, String> answers = new LinkedHashMap<>();
    HotSpotAttach attach = new HotSpotAttach(target);
    long end = System.nanoTime() + TOTAL_DEADLINE.toNanos();
    // The agent was just loaded through this socket; without it the JVM is not HotSpot (OpenJ9 answers a SIGQUIT
    // with a javacore file), and starting a listener is not ours to do here.
    String stuck = attach.listening() ? null : "the JVM has no HotSpot attach socket";
    for (Command c : COMMANDS) {
      if (stuck != null) {
        outcomes.add(Outcome.skipped(c.id, 0, "not asked: " + stuck));
        continue;
      }
      long t0 = System.nanoTime();
      Duration left = Duration.ofNanos(Math.min(COMMAND_DEADLINE.toNanos(), end - t0));
      try {
        if (left.isNegative() || left.isZero()) {
          throw new CliFailure(ExitCode.TIMEOUT, "no time left of the " + TOTAL_DEADLINE.toSeconds() + " s for"
              + " asking the JVM");
        }
        answers.put(c, attach.jcmd(c.line, left));
        outcomes.add(Outcome.ok(c.id, (System.nanoTime() - t0) / 1_000_000));
      } catch (CliFailure f) {
        outcomes.add(Outcome.failed(c.id, (System.nanoTime() - t0) / 1_000_000, c.line + ": " + f.getMessage()));
        if (f.code == ExitCode.TIMEOUT || f.code == ExitCode.TARGET_DIED) {
          stuck = f.getMessage();
        }
      }
    }
    return answers;
  }

  /**
   * What the process declares, learned before anything is written, as the agent learns it: its environment and
   * arguments, and the arguments the JVM reports (an @argfile's options appear only there).
   */
  private void learnSecrets(String commandLine) {
    List<String> args = new ArrayList<>(target.arguments());
    for (String line : commandLine.split("\n")) {
      if (line.startsWith("jvm_args:") || line.startsWith("java_command:")) {
        args.addAll(List.of(line.substring(line.indexOf(':') + 1).trim().split("\\s+")));
      }
    }
    ProcessSecrets.learnInto(sanitizer, target.environment(), args);
  }

  /** What the kernel tells of the process: its status, its limits, the memory of its cgroup. */
  private void proc(Packet packet, List<Outcome> outcomes) {
    Map<String, String> files = new LinkedHashMap<>();
    files.put("process-status", "status");
    files.put("process-limits", "limits");
    files.forEach((id, name) -> {
      long t0 = System.nanoTime();
      String text = target.procFile(name);
      try {
        if (text.isEmpty()) {
          outcomes.add(Outcome.failed(id, 0, "/proc/" + target.pid + "/" + name + " cannot be read"));
          return;
        }
        packet.ownedBy(id).addText("proc/" + name + ".txt", w -> w.write(text));
        outcomes.add(Outcome.ok(id, (System.nanoTime() - t0) / 1_000_000));
      } catch (IOException e) {
        outcomes.add(Outcome.failed(id, 0, e.getMessage()));
      }
    });
    String memory = TargetCgroup.of(target.procFile("cgroup")).memory();
    try {
      if (memory.isEmpty()) {
        outcomes.add(Outcome.skipped("cgroup-memory", 0, "no memory controller of its cgroup is visible from here"));
      } else {
        packet.ownedBy("cgroup-memory").addText("proc/cgroup-memory.txt", w -> w.write(memory));
        outcomes.add(Outcome.ok("cgroup-memory", 0));
      }
    } catch (IOException e) {
      outcomes.add(Outcome.failed("cgroup-memory", 0, e.getMessage()));
    }
  }

  /** The answer of the command that writes {@code entry}; empty when it gave none. */
  private static String answer(Map<Command, String> answers, String entry) {
    for (Map.Entry<Command, String> a : answers.entrySet()) {
      if (a.getKey().entry.equals(entry)) {
        return a.getValue();
      }
    }
    return "";
  }

  private static String firstLine(String text) {
    for (String line : text.split("\n")) {
      if (!line.isBlank()) {
        return line.trim();
      }
    }
    return "unknown";
  }

  /** One diagnostic command: the collector id it stands for in report.txt, its jcmd line, its entry. */
  private static final class Command {
    final String id;
    final String line;
    final String entry;

    Command(String id, String line, String entry) {
      this.id = id;
      this.line = line;
      this.entry = entry;
    }
  }
}
