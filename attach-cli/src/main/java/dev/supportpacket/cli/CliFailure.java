package dev.supportpacket.cli;

/** A failure the user can act on: its message names the fix, its code is the process exit code. */
final class CliFailure extends Exception {
  private static final long serialVersionUID = 1L;
  final ExitCode code;

  CliFailure(ExitCode code, String message) {
    super(message, null, false, false);
    this.code = code;
  }
}
