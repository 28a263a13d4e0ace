package dev.supportpacket.cli;

import dev.supportpacket.agent.report.AppIdentity;
import dev.supportpacket.agent.sanitize.EntryScrubber;
import dev.supportpacket.agent.sanitize.Sanitizer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Packets of several JVMs at once, into one bundle: a zip with one folder per JVM holding its packet, and
 * summary.txt naming each target, its outcome, its top findings and the reason of each failure. At most
 * {@code parallel} packets are taken at once; each target's failure is its own and never stops the others.
 */
final class BundleRun {
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final Pattern FINDING_TITLE = Pattern.compile("\"(?:title|summary|message)\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.){1,200})\"");
  private static final int TOP_FINDINGS = 3;
  private static final int MAX_FINDINGS_BYTES = 1 << 20;

  private final List<String> pids;
  private final PacketOptionsMixin packet;
  private final Path outputDir;
  private final int parallel;

  /** @param outputDir where the bundle goes; null for the current directory */
  BundleRun(List<String> pids, PacketOptionsMixin packet, Path outputDir, int parallel) {
    this.pids = List.copyOf(pids);
    this.packet = packet;
    this.outputDir = outputDir != null ? outputDir : Paths.get("").toAbsolutePath();
    this.parallel = parallel;
  }

  /** Prints the bundle's path on stdout; 0 when every packet is complete, 1 when some are missing or partial. */
  int run(PrintStream out, PrintStream err) throws CliFailure {
    Path work;
    try {
      work = Files.createTempDirectory(outputDir, ".support-bundle-");
    } catch (IOException e) {
      throw new CliFailure(ExitCode.OUTPUT_PROBLEM, "cannot write the bundle in " + outputDir + ": " + e.getMessage()
          + "; choose another directory with --output");
    }
    try {
      PacketRequest.HostFiles files = packet.hostFiles();
      // Made before any packet is taken: bad rules fail the run at once, not after every JVM was asked.
      Sanitizer sanitizer = CliSanitizer.create(files.rules(), files.siteKey());
      List<Outcome> outcomes = takeAll(work, files, packet.progressView());
      for (Outcome o : outcomes) {
        err.println("support-packet: pid " + o.pid + ": " + o.line());
      }
      Path bundle = write(outcomes, sanitizer.forEntry("summary.txt"));
      out.println(bundle);
      long failed = outcomes.stream().filter(o -> o.packet == null).count();
      if (failed == outcomes.size()) {
        err.println("No packet could be taken: summary.txt in the bundle says why for each JVM.");
        return outcomes.size() == 1 ? outcomes.get(0).code.code : ExitCode.AGENT_FAILED.code;
      }
      boolean complete = outcomes.stream().allMatch(o -> o.packet != null && o.complete);
      if (!complete) {
        err.println("Some packets are missing or incomplete: summary.txt in the bundle says which and why.");
      }
      return complete ? ExitCode.OK.code : ExitCode.PARTIAL.code;
    } finally {
      TargetFiles.removeTree(work);
    }
  }

  private List<Outcome> takeAll(Path work, PacketRequest.HostFiles files, ProgressView progress) {
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallel, pids.size()), r -> {
      Thread t = new Thread(r, "support-bundle");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<Outcome>> futures = new ArrayList<>();
      for (String pid : pids) {
        futures.add(pool.submit(() -> take(pid, work, files, progress.of("pid " + pid))));
      }
      List<Outcome> outcomes = new ArrayList<>();
      for (int i = 0; i < futures.size(); i++) {
        try {
          outcomes.add(futures.get(i).get());
        } catch (Exception e) {
          outcomes.add(Outcome.failed(pids.get(i), "?", ExitCode.AGENT_FAILED, "unexpected " + e));
        }
      }
      return outcomes;
    } finally {
      pool.shutdownNow();
    }
  }

  private Outcome take(String pid, Path work, PacketRequest.HostFiles files, ProgressView progress) {
    String app = "?";
    try {
      TargetProcess target = TargetProcess.verify(pid);
      app = AppIdentity.appName(target.mainName());
      PreparedTarget prepared = PreparedTarget.of(target);
      Path dir = Files.createDirectory(work.resolve(pid));
      PacketRequest.Result r = new PacketRequest(prepared, packet.toBuilder(),
          new PacketRequest.HostFiles(dir, files.rules(), files.siteKey()), packet.timeout(), progress).run();
      return new Outcome(pid, app, target.container().describe(), r.path, r.complete, ExitCode.OK, "");
    } catch (CliFailure e) {
      return Outcome.failed(pid, app, e.code, e.getMessage());
    } catch (IOException | RuntimeException e) {
      return Outcome.failed(pid, app, ExitCode.AGENT_FAILED, "unexpected " + e);
    }
  }

  /**
   * The packets go in as they are (sanitized where they were made); summary.txt is written here, from failure
   * messages, process names and findings, so it passes the sanitizer like any entry of a packet.
   */
  private Path write(List<Outcome> outcomes, EntryScrubber scrubber) throws CliFailure {
    String name = "support-bundle-" + AppIdentity.appName(AppIdentity.hostName()) + "-" + STAMP.format(Instant.now());
    Path tmp = null;
    try {
      tmp = Files.createTempFile(outputDir, ".support-bundle-", ".part");
      try (OutputStream os = Files.newOutputStream(tmp); ZipOutputStream zip = new ZipOutputStream(os)) {
        for (Outcome o : outcomes) {
          if (o.packet != null) {
            zip.putNextEntry(new ZipEntry(o.entry()));
            Files.copy(o.packet, zip);
            zip.closeEntry();
          }
        }
        zip.putNextEntry(new ZipEntry("summary.txt"));
        zip.write(summary(outcomes, scrubber).getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
      }
      Path bundle = outputDir.resolve(name + ".zip");
      Files.move(tmp, bundle, StandardCopyOption.ATOMIC_MOVE);
      return bundle;
    } catch (IOException e) {
      throw new CliFailure(ExitCode.OUTPUT_PROBLEM, "cannot write the bundle in " + outputDir + ": " + e.getMessage());
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException e) {
          // a .part file of ours; the message above already says the bundle failed
        }
      }
    }
  }

  static String summary(List<Outcome> outcomes, EntryScrubber scrubber) {
    StringBuilder summary = new StringBuilder();
    summary.append("support bundle of ").append(outcomes.size()).append(" JVM(s) on ").append(AppIdentity.hostName())
        .append(", ").append(Instant.now()).append("\n");
    summary.append(outcomes.stream().filter(o -> o.packet != null).count()).append(" packet(s), ")
        .append(outcomes.stream().filter(o -> o.packet == null).count()).append(" failed\n\n");
    for (Outcome o : outcomes) {
      summary.append("pid ").append(o.pid).append(" (").append(o.app).append(", container ").append(o.container)
          .append("): ").append(o.line()).append("\n");
      if (o.packet != null) {
        summary.append("  packet: ").append(o.entry()).append("\n");
        for (String f : topFindings(o.packet)) {
          summary.append("  finding: ").append(f).append("\n");
        }
      }
    }
    return summary.toString().lines().map(scrubber::text).collect(Collectors.joining("\n", "", "\n"));
  }

  /** The first titles of the packet's findings.json, when the packet has one (already sanitized in the packet). */
  static List<String> topFindings(Path packetZip) {
    List<String> titles = new ArrayList<>();
    try (ZipFile zip = new ZipFile(packetZip.toFile())) {
      ZipEntry e = zip.getEntry("findings.json");
      if (e == null) {
        return titles;
      }
      String json;
      try (InputStream in = zip.getInputStream(e)) {
        json = new String(in.readNBytes(MAX_FINDINGS_BYTES), StandardCharsets.UTF_8);
      }
      Matcher m = FINDING_TITLE.matcher(json);
      while (m.find() && titles.size() < TOP_FINDINGS) {
        titles.add(m.group(1).replace("\\\"", "\""));
      }
    } catch (IOException | RuntimeException e) {
      titles.add("(findings.json unreadable: " + e.getMessage() + ")");
    }
    return titles;
  }

  /** What became of one target. */
  static final class Outcome {
    final String pid;
    final String app;
    final String container;
    final Path packet;
    final boolean complete;
    final ExitCode code;
    final String reason;

    Outcome(String pid, String app, String container, Path packet, boolean complete, ExitCode code, String reason) {
      this.pid = pid;
      this.app = app;
      this.container = container;
      this.packet = packet;
      this.complete = complete;
      this.code = code;
      this.reason = reason;
    }

    static Outcome failed(String pid, String app, ExitCode code, String reason) {
      return new Outcome(pid, app, "?", null, false, code, reason);
    }

    /** The packet's name in the bundle. */
    String entry() {
      return pid + "-" + app + "/" + packet.getFileName();
    }

    String line() {
      if (packet == null) {
        return "FAILED (exit " + code.code + "): " + reason;
      }
      return complete ? "packet complete" : "packet INCOMPLETE: warning.txt inside it says what is missing";
    }
  }
}
