package dev.supportpacket.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code attach.jar scan <packet.zip>}: lists anything in a packet that still looks secret, before it is sent. */
@Command(
    name = "scan",
    mixinStandardHelpOptions = true,
    description = {
      "Checks a support packet for anything that still looks secret (passwords, tokens, keys, password hashes), in",
      "every file, read through gzip, JFR recordings and HPROF heap dumps. Prints the file, place and rule of each",
      "finding, never the value; an entry stored unsanitized, or a part of an entry it could not read, is a finding.",
      "Exit code 0: nothing found; 12: something found; 2: the file cannot be read."
    })
public final class ScanCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "<packet.zip>", description = "the packet to check")
  Path packet;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<PacketScanner.Finding> findings;
    try {
      findings = new PacketScanner().scan(packet);
    } catch (IOException e) {
      err.println("cannot read " + packet + ": " + e.getMessage());
      return ExitCode.USAGE.code;
    }
    if (findings.isEmpty()) {
      out.println(packet + ": nothing found that looks secret");
      return ExitCode.OK.code;
    }
    for (PacketScanner.Finding f : findings) {
      out.println(f);
    }
    out.println(packet + ": " + findings.size() + " finding(s); check them before sending the packet");
    return ExitCode.SECRETS_FOUND.code;
  }
}
