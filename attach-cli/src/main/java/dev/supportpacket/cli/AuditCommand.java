package dev.supportpacket.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code attach.jar audit ...}: the audit log's tools. */
@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    subcommands = {AuditCommand.Verify.class},
    description = "Tools for the audit log (support-packet-audit.jsonl beside the packets).")
public final class AuditCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCode.USAGE.code;
  }

  /** {@code attach.jar audit verify <file or dir>}. */
  @Command(
      name = "verify",
      mixinStandardHelpOptions = true,
      description = {
        "Checks the hash chain and the seals of an audit file, or of every audit file in a directory with its rotated",
        "files, and names the first record edited, removed or reordered, or the first rotated file missing.",
        "Exit code 0: intact; 13: tampered; 2: cannot be read, or a key is missing."
      })
  static final class Verify implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "<file or dir>", description = "an audit file, or the directory of the packets")
    Path target;

    @Option(names = "--public-key", paramLabel = "FILE",
        description = "Public key to check seals with (a copy kept off the host). Default: the .pub beside the file.")
    Path publicKey;

    @Option(names = "--hmac-key-file", paramLabel = "FILE", description = "The chain's key when the configuration set hmac_key_file.")
    Path hmacKeyFile;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      if (!Files.exists(target)) {
        err.println("cannot read " + target + ": no such file or directory");
        return ExitCode.USAGE.code;
      }
      AuditVerifier.Result r;
      try {
        r = new AuditVerifier(publicKey, hmacKey()).verify(target);
      } catch (IOException | IllegalArgumentException e) {
        err.println("cannot verify " + target + ": " + e.getMessage());
        return ExitCode.USAGE.code;
      }
      r.notes.forEach(out::println);
      if (r.intact()) {
        out.println(target + ": intact");
        return ExitCode.OK.code;
      }
      out.println("TAMPERED: " + r.problem);
      return ExitCode.AUDIT_TAMPERED.code;
    }

    private byte[] hmacKey() throws IOException {
      if (hmacKeyFile == null) {
        return null;
      }
      byte[] raw = Files.readAllBytes(hmacKeyFile);
      try {
        return Base64.getDecoder().decode(new String(raw, java.nio.charset.StandardCharsets.US_ASCII).trim());
      } catch (IllegalArgumentException e) {
        return raw;
      }
    }
  }
}
