package dev.supportpacket.cli;

import dev.supportpacket.agent.report.AppIdentity;
import dev.supportpacket.agent.options.Claims;
import dev.supportpacket.agent.options.PacketOptions;
import dev.supportpacket.agent.packet.PrivateFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import picocli.CommandLine.Option;

/** The options of a packet request, shared by the attach command and `demo`. */
final class PacketOptionsMixin {
  /** The command-line option behind each agent option a message may name. */
  private static final java.util.Map<String, String> OPTION_NAMES = java.util.Map.of("duration", "--duration: ",
      "maxSize", "--max-size: ", "logTail", "--log-tail: ", "logBudget", "--log-budget: ", "include", "--include: ");


  @Option(names = {"-o", "--output"}, paramLabel = "DIR",
      description = "Directory to write the packet to. Default: the target's working directory.")
  Path output;

  // Defaults are the fields' initial values, which picocli shows as ${DEFAULT-VALUE}: {@link #set} leaves them as
  // they are, with no second copy of them to keep in step.
  @Option(names = {"-d", "--duration"}, paramLabel = "SECONDS",
      description = "Length of the CPU profile, 1 to 3600 seconds. Default: ${DEFAULT-VALUE}.")
  int duration = 5;

  @Option(names = "--histogram", paramLabel = "all|live",
      description = "Heap histogram of all objects (no GC, default) or of live objects only (forces a full GC first).")
  String histogram = "all";

  @Option(names = "--log-tail", paramLabel = "MB",
      description = "How much of the end of each active log file to include. Default: ${DEFAULT-VALUE} MB.")
  int logTail = 10;

  @Option(names = "--log-budget", paramLabel = "MB",
      description = "Total log content (active tails, then the newest rolled files). Default: ${DEFAULT-VALUE} MB.")
  int logBudget = 50;

  @Option(names = "--timeout", paramLabel = "SECONDS",
      description = "How long to wait for the packet. Default: the profile duration plus 120 s.")
  Integer timeout;

  @Option(names = "--rules", paramLabel = "FILE",
      description = "YAML file of extra sanitizer rules: secret keys, keys not secret, patterns, literals (see README).")
  Path rules;

  @Option(names = "--site-key-file", paramLabel = "FILE",
      description = "File holding a site key (at least 16 bytes, mode 0600) so that tokens match across packets.")
  Path siteKeyFile;

  @Option(names = "--heap-dump", paramLabel = "live|all", arity = "0..1", fallbackValue = "live",
      description = "Add a sanitized heap dump (heap/heap.hprof.gz): live objects (a full GC first, default) or all."
          + " It pauses the application while it is written and needs about 1.5 x the heap in use on disk.")
  String heapDump;

  @Option(names = "--unsanitized-heap-dump-i-accept-the-risk",
      description = "UNSAFE: store the heap dump WITHOUT scrubbing: the packet then holds every secret in memory.")
  boolean unsanitizedHeapDump;

  @Option(names = "--max-size", paramLabel = "MB",
      description = "Size budget for the whole packet; entries that would exceed it are left out, the heap dump first.")
  Long maxSize;

  @Option(names = "--include", paramLabel = "PATH",
      description = "Add this file or directory to the packet, sanitized like everything (repeatable). Read by the"
          + " target as its user, from its view of the file system (inside its container); relative paths are"
          + " resolved against this shell's directory. Links leading out of the path, FIFOs, devices and binary"
          + " files are listed, not copied.")
  java.util.List<Path> include = new java.util.ArrayList<>();

  @Option(names = {"-q", "--quiet"}, description = "No progress output; only the packet's path on stdout.")
  boolean quiet;

  private static final Set<String> NUMBERS =
      Set.of("--duration", "--log-tail", "--log-budget", "--timeout", "--max-size");
  /** The options given so far by {@link #set}, by their long names. */
  private final Set<String> given = new HashSet<>();

  /** How an option of ours takes its value on the command line. */
  enum Value { NONE, REQUIRED, OPTIONAL }

  /** How option {@code name} (as typed: {@code -o} or {@code --output}) takes its value; null when it is not ours. */
  static Value value(String name) {
    switch (name) {
      case "-q":
      case "--quiet":
      case "--unsanitized-heap-dump-i-accept-the-risk":
        return Value.NONE;
      case "--heap-dump":
        return Value.OPTIONAL;
      case "-o":
      case "--output":
      case "-d":
      case "--duration":
      case "--histogram":
      case "--log-tail":
      case "--log-budget":
      case "--timeout":
      case "--rules":
      case "--site-key-file":
      case "--max-size":
      case "--include":
        return Value.REQUIRED;
      default:
        return null;
    }
  }

  /**
   * Sets option {@code name} to {@code value} (null for an option of {@link Value#NONE}), as picocli would from the
   * annotations above, for the usual command line that {@link PlainCommandLine} reads without it. False when picocli
   * would have something to say: a number that is not plain digits, a path that is no path, an option given twice
   * that takes one value. The caller then leaves the whole command line to picocli, whose messages name the mistake.
   */
  boolean set(String name, String value) {
    String option = name.startsWith("--") ? name : name.equals("-o") ? "--output" : name.equals("-d") ? "--duration"
        : name.equals("-q") ? "--quiet" : name;
    if (!given.add(option) && !option.equals("--include")) {
      return false;
    }
    if (NUMBERS.contains(option) && !digits(value)) {
      return false;
    }
    try {
      switch (option) {
        case "--quiet":
          quiet = true;
          break;
        case "--unsanitized-heap-dump-i-accept-the-risk":
          unsanitizedHeapDump = true;
          break;
        case "--heap-dump":
          heapDump = value;
          break;
        case "--histogram":
          histogram = value;
          break;
        case "--output":
          output = Path.of(value);
          break;
        case "--rules":
          rules = Path.of(value);
          break;
        case "--site-key-file":
          siteKeyFile = Path.of(value);
          break;
        case "--include":
          include.add(Path.of(value));
          break;
        case "--duration":
          duration = Integer.parseInt(value);
          break;
        case "--log-tail":
          logTail = Integer.parseInt(value);
          break;
        case "--log-budget":
          logBudget = Integer.parseInt(value);
          break;
        case "--timeout":
          timeout = Integer.valueOf(value);
          break;
        case "--max-size":
          maxSize = Long.valueOf(value);
          break;
        default:
          return false;
      }
    } catch (InvalidPathException e) {
      return false; // picocli says what is wrong with it
    }
    return true;
  }

  /** Digits only, and few enough that they convert without overflow (more go to picocli, which explains). */
  private static boolean digits(String s) {
    return s != null && s.length() <= 9 && Main.isPid(s);
  }

  /**
   * Checks what can be checked before touching the target, with the same types the agent reads the options into
   * (their constructors validate), so that a bad value is a usage error here rather than a refusal from the target.
   */
  PacketOptions.Builder toBuilder() throws CliFailure {
    if (timeout != null && timeout < 1) {
      // Would give up at once while the agent goes on writing the packet in the target.
      throw new CliFailure(ExitCode.USAGE, "--timeout must be at least 1 second, not " + timeout
          + "; leave it out to wait the profile duration plus 120 s");
    }
    if (!histogram.equals("all") && !histogram.equals("live")) {
      throw new CliFailure(ExitCode.USAGE, "--histogram must be all or live, not " + histogram);
    }
    PacketOptions.Builder b =
        PacketOptions.builder().profileDuration(Duration.ofSeconds(duration)).liveHistogram(histogram.equals("live"));
    // Who asks, for the target's audit log: claims of this process, which only the target's user or root can run.
    b.caller(new Claims(System.getProperty("user.name"), AppIdentity.hostName(),
        "attach-cli/" + AppIdentity.generatorVersion()));
    if (heapDump != null) {
      if (!heapDump.equals("live") && !heapDump.equals("all")) {
        throw new CliFailure(ExitCode.USAGE, "--heap-dump takes live or all, not " + heapDump
            + "; write --heap-dump=all, or put the pid before --heap-dump");
      }
      b.heapDump(heapDump.equals("live") ? PacketOptions.HeapDump.LIVE : PacketOptions.HeapDump.ALL);
    }
    b.heapDumpRaw(unsanitizedHeapDump);
    if (maxSize != null) {
      // 0 is "no budget" inside; on the command line it is a mistake, and a negative value is out of range below.
      b.maxSizeMb(maxSize == 0 ? -1 : maxSize);
    }
    b.logTailMb(logTail).logBudgetMb(logBudget);
    java.util.List<Path> includes = new java.util.ArrayList<>();
    // Absolute: the target's working directory is not ours. Not checked here: a container target sees other files.
    include.forEach(p -> includes.add(p.toAbsolutePath().normalize()));
    b.includes(includes);
    try {
      b.build();
    } catch (IllegalArgumentException e) {
      throw new CliFailure(ExitCode.USAGE, OPTION_NAMES.getOrDefault(e.getMessage().split(" ", 2)[0], "")
          + e.getMessage());
    }
    return b;
  }

  /**
   * The files named on the command line, checked; {@link PacketRequest} hands them to the target, which may see
   * another file system. Paths are absolute: the target's working directory is not ours.
   */
  PacketRequest.HostFiles hostFiles() throws CliFailure {
    Path dir = null;
    if (output != null) {
      dir = output.toAbsolutePath().normalize();
      if (!Files.isDirectory(dir)) {
        try {
          // Private (0700), missing parents too: packets hold a process's insides.
          PrivateFiles.createDirectories(dir);
        } catch (IOException | RuntimeException e) {
          throw new CliFailure(ExitCode.OUTPUT_PROBLEM, "output directory " + dir + " does not exist and cannot be"
              + " created (" + e.getMessage() + "); choose another with --output");
        }
      }
      if (!Files.isWritable(dir)) {
        throw new CliFailure(ExitCode.OUTPUT_PROBLEM, "output directory " + dir + " is not writable; choose another");
      }
    }
    return new PacketRequest.HostFiles(dir, readable(rules, "--rules"), readable(siteKeyFile, "--site-key-file"));
  }

  private static Path readable(Path file, String option) throws CliFailure {
    if (file == null) {
      return null;
    }
    Path p = file.toAbsolutePath().normalize();
    // A FIFO or a device would block the packet's start in the target, waiting for a writer for ever.
    if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
      throw new CliFailure(ExitCode.USAGE, option + " " + p + " is not a readable regular file");
    }
    return p;
  }

  /** A heap dump of a large heap takes minutes: its collector may run 30 minutes, so the default waits as long. */
  Duration timeout() {
    long heapDumpSeconds = heapDump != null || unsanitizedHeapDump ? 1800 : 0;
    return Duration.ofSeconds(timeout != null ? timeout : duration + 120L + heapDumpSeconds);
  }

  ProgressView progressView() {
    return new ProgressView(System.err, System.console() != null, quiet);
  }
}
