package dev.supportpacket.cli;

import java.io.PrintStream;

/**
 * Shows what the agent is doing. On a terminal one line is redrawn in place; in a log or a pipe a line is printed
 * only when the phase changes. Always on stderr: stdout carries only the packet's path, for scripts.
 */
final class ProgressView {
  private final PrintStream err;
  private final boolean terminal;
  private final boolean quiet;
  private final String label;
  private String lastPhase = "";
  private int lastWidth;

  ProgressView(PrintStream err, boolean terminal, boolean quiet) {
    this(err, terminal, quiet, "");
  }

  private ProgressView(PrintStream err, boolean terminal, boolean quiet, String label) {
    this.err = err;
    this.terminal = terminal;
    this.quiet = quiet;
    this.label = label;
  }

  /** The view of one of several targets at once: a line per phase, each naming the target (no redrawn line). */
  ProgressView of(String target) {
    return new ProgressView(err, false, quiet, target + ": ");
  }

  void phase(String phase, long secondsLeft) {
    phase(phase, secondsLeft, -1);
  }

  /** @param bytes written so far in this phase (a heap dump), or negative when unknown */
  void phase(String phase, long secondsLeft, long bytes) {
    if (quiet) {
      return;
    }
    String text = "support-packet: " + label + phase + (secondsLeft >= 0 ? ", about " + secondsLeft + " s left" : "")
        + (bytes >= 0 ? ", " + bytes / (1024 * 1024) + " MB" : "");
    if (terminal) {
      err.print("\r" + text + " ".repeat(Math.max(0, lastWidth - text.length())));
      err.flush();
      lastWidth = text.length();
    } else if (!phase.equals(lastPhase)) {
      err.println(text);
    }
    lastPhase = phase;
  }

  void finish() {
    if (terminal && lastWidth > 0 && !quiet) {
      err.println();
      lastWidth = 0;
    }
  }
}
