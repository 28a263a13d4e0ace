package dev.supportpacket.cli;

import dev.supportpacket.agent.sanitize.InvalidSettingsException;
import dev.supportpacket.agent.sanitize.Sanitizer;
import dev.supportpacket.agent.sanitize.SanitizerSettings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The sanitizer of what the CLI writes itself (a bundle's summary, the `sanitize` command's files, a packet written
 * from outside a JVM, the entries derived from a recording an agent handed over): the agent's own, with the operator's rules and site key, so that with the same key a secret
 * becomes the same token as in the packets the agents write.
 */
final class CliSanitizer {
  private CliSanitizer() {}

  /**
   * @param rules null for the built-in rules only
   * @param siteKey null for a key of this run's own (its tokens then match no packet's)
   * @throws CliFailure USAGE when the rules or the key do not load; the message names the file and the fault
   */
  static Sanitizer create(Path rules, Path siteKey) throws CliFailure {
    return Sanitizer.create(settings(rules, siteKey));
  }

  /**
   * The sanitizer of a packet an agent is writing, from the state it exported (its key and learned secrets), with
   * the rules and site key this CLI handed it: it scrubs as the agent's does and makes the same tokens.
   */
  static Sanitizer restore(Path rules, Path siteKey, InputStream state) throws CliFailure, IOException {
    return Sanitizer.restore(settings(rules, siteKey), state);
  }

  private static SanitizerSettings settings(Path rules, Path siteKey) throws CliFailure {
    try {
      return SanitizerSettings.load(Optional.ofNullable(rules), Optional.ofNullable(siteKey));
    } catch (InvalidSettingsException e) {
      throw new CliFailure(ExitCode.USAGE, e.getMessage());
    }
  }
}
