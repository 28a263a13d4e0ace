package dev.supportpacket.agent.findings.rules;

import dev.supportpacket.agent.findings.model.PacketModel;
import dev.supportpacket.agent.findings.model.Reading;
import java.util.List;
import java.util.Set;

/**
 * Open file descriptors near the process's limit: the next socket or file fails with "Too many open files".
 * Rising through the window, half the limit is already worth a warning.
 */
public final class FdExhaustionRule implements Rule {
  static final double CRITICAL = 0.9;
  static final double WARNING = 0.75;
  static final double RISING_WARNING = 0.5;

  @Override
  public String id() {
    return "fd-exhaustion";
  }

  @Override
  public List<Finding> apply(PacketModel m) {
    if (m.end.isEmpty()) {
      return List.of();
    }
    Reading r = m.end.get();
    long open = r.fdsOpen();
    long max = r.fdsMax();
    if (open < 0 || max <= 0) {
      return List.of();
    }
    double share = (double) open / max;
    long rise = m.hasDelta() && m.start.get().fdsOpen() >= 0 ? open - m.start.get().fdsOpen() : 0;
    int score;
    if (share >= CRITICAL) {
      score = 92;
    } else if (share >= WARNING) {
      score = 75;
    } else if (share >= RISING_WARNING && rise > 0) {
      score = 65;
    } else {
      return List.of();
    }
    String kinds = "";
    if (r.fds("sockets") >= 0) {
      kinds = " (" + r.fds("sockets") + " sockets, " + Math.max(0, r.fds("pipes")) + " pipes, "
          + Math.max(0, r.fds("files")) + " files, " + Math.max(0, r.fds("other")) + " other)";
    }
    return List.of(Finding.scored(id(), score, Fmt.n(open) + " of " + Fmt.n(max) + " file descriptors open ("
        + Fmt.pct(share) + ")", Fmt.n(open) + " descriptors open of a limit of " + Fmt.n(max) + kinds
        + (rise > 0 ? ", " + rise + " more than at the start of the window" : "")
        + ": at the limit every new socket or file fails with \"Too many open files\".",
        List.of(new Evidence(r.entry, m.lineOf(r.entry, r.entry.equals(PacketModel.RUNTIME) ? "open_file_descriptors"
            : "\"fds\""), "open " + open + " of " + max)), Set.of()));
  }
}
