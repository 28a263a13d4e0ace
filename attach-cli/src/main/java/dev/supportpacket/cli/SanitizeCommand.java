package dev.supportpacket.cli;

import dev.supportpacket.agent.sanitize.EntryScrubber;
import dev.supportpacket.agent.sanitize.Sanitizer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sanitize DIR --into BUNDLE.zip}: puts every file under DIR into a zip through the packet's sanitizer, so that
 * tools around the CLI (the kubectl plugin: pod logs, `kubectl get` output) need no sanitizer of their own. Text is
 * scrubbed line by line; support packets and bundles (already sanitized where they were made) go in as they are;
 * any other binary file is left out and listed. sanitize-report.txt in the zip says what happened to each file.
 */
@Command(name = "sanitize", mixinStandardHelpOptions = true,
    description = {"Writes every file under DIR into a zip, text through the sanitizer; other binaries are left out.",
        "Support packets and bundles go in as they are. sanitize-report.txt lists each file's fate."})
final class SanitizeCommand implements Callable<Integer> {
  private static final int SNIFF = 8192;

  @Parameters(index = "0", paramLabel = "DIR", description = "the files to sanitize")
  Path dir;

  @Option(names = "--into", required = true, paramLabel = "ZIP", description = "the zip to write (replaced)")
  Path into;

  @Option(names = "--rules", paramLabel = "FILE", description = "extra sanitizer rules (see README)")
  Path rules;

  @Option(names = "--site-key-file", paramLabel = "FILE", description = "site key, so that tokens match packets'")
  Path siteKeyFile;

  @Override
  public Integer call() throws CliFailure {
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      throw new CliFailure(ExitCode.USAGE, dir + " is not a directory");
    }
    Sanitizer sanitizer = CliSanitizer.create(rules, siteKeyFile);
    Path zipFile = into.toAbsolutePath();
    Path tmp = null;
    try {
      tmp = Files.createTempFile(zipFile.getParent(), ".sanitize-", ".part");
      StringBuilder report = new StringBuilder("sanitize: every file under the collected directory, and its fate\n");
      List<Path> files;
      try (Stream<Path> all = Files.walk(dir)) {
        // Files.walk follows no links; a link is not a regular file here and is listed as left out.
        files = all.filter(p -> !p.equals(dir)).sorted().collect(Collectors.toList());
      }
      try (OutputStream os = Files.newOutputStream(tmp); ZipOutputStream zip = new ZipOutputStream(os)) {
        for (Path f : files) {
          String name = dir.relativize(f).toString().replace('\\', '/');
          if (Files.isDirectory(f, LinkOption.NOFOLLOW_LINKS)) {
            continue;
          }
          report.append(name).append(": ").append(add(f, name, sanitizer, zip)).append('\n');
        }
        zip.putNextEntry(new ZipEntry("sanitize-report.txt"));
        zip.write(report.toString().getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
      }
      Files.move(tmp, zipFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      System.out.println(zipFile);
      return ExitCode.OK.code;
    } catch (IOException e) {
      throw new CliFailure(ExitCode.OUTPUT_PROBLEM, "cannot write " + zipFile + ": " + e.getMessage());
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException e) {
          // our own .part file; the error above says the zip failed
        }
      }
    }
  }

  /** Adds one file and says what became of it. */
  private static String add(Path f, String name, Sanitizer sanitizer, ZipOutputStream zip) throws IOException {
    if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
      return "left out: not a regular file";
    }
    if (name.endsWith(".zip") && ourZip(f)) {
      zip.putNextEntry(new ZipEntry(name));
      Files.copy(f, zip);
      zip.closeEntry();
      return "added as it is (a support packet or bundle, sanitized where it was made)";
    }
    byte[] head;
    try (InputStream in = Files.newInputStream(f, LinkOption.NOFOLLOW_LINKS)) {
      head = in.readNBytes(SNIFF);
    }
    for (byte b : head) {
      if (b == 0) {
        return "left out: binary content";
      }
    }
    EntryScrubber scrubber = sanitizer.forEntry(name);
    zip.putNextEntry(new ZipEntry(name));
    Writer w = new OutputStreamWriter(zip, StandardCharsets.UTF_8);
    try (BufferedReader r = new BufferedReader(new InputStreamReader(Files.newInputStream(f, LinkOption.NOFOLLOW_LINKS),
        StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE)))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        w.write(scrubber.text(line));
        w.write('\n');
      }
    }
    w.flush();
    zip.closeEntry();
    return scrubber.redactions().isEmpty() ? "sanitized, nothing redacted" : "sanitized, redacted " + scrubber.redactions();
  }

  /** A zip whose metadata.yaml or summary.txt says it is a support packet or bundle of ours. */
  private static boolean ourZip(Path f) {
    try (ZipFile z = new ZipFile(f.toFile())) {
      ZipEntry meta = z.getEntry("metadata.yaml");
      if (meta != null) {
        try (InputStream in = z.getInputStream(meta)) {
          return new String(in.readNBytes(SNIFF), StandardCharsets.UTF_8).contains("jvm-support-packet");
        }
      }
      ZipEntry summary = z.getEntry("summary.txt");
      if (summary != null) {
        try (InputStream in = z.getInputStream(summary)) {
          return new String(in.readNBytes(SNIFF), StandardCharsets.UTF_8).startsWith("support bundle of ");
        }
      }
      return false;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }
}
