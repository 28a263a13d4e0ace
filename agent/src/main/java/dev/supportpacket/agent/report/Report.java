package dev.supportpacket.agent.report;

import dev.supportpacket.agent.packet.EntryRecord;
import dev.supportpacket.agent.sanitize.EntryScrubber;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** The outcomes of one packet: writes report.txt and warning.txt. Immutable. */
public final class Report {
  private final List<Outcome> outcomes;
  private final List<EntryRecord> entries;
  private final List<String> notes;
  /** Why the attach CLI wrote this packet from outside the JVM; empty for the agent's packets. */
  private final String outsideBecause;

  public Report(List<Outcome> outcomes, List<EntryRecord> entries) {
    this(outcomes, entries, List.of());
  }

  /** @param notes lines for report.txt's "notes" (e.g. the pause a heap dump caused) */
  public Report(List<Outcome> outcomes, List<EntryRecord> entries, List<String> notes) {
    this(outcomes, entries, notes, "");
  }

  private Report(List<Outcome> outcomes, List<EntryRecord> entries, List<String> notes, String outsideBecause) {
    this.outcomes = List.copyOf(outcomes);
    this.entries = List.copyOf(entries);
    this.notes = List.copyOf(notes);
    this.outsideBecause = outsideBecause;
  }

  /**
   * The report of a packet the attach CLI wrote from outside the JVM, the agent having refused to start inside it:
   * partial by nature, and its verdict and warnings say why.
   *
   * @param because why the agent could not write it (its refusal, with the heap's figures)
   */
  public static Report collectedOutside(List<Outcome> outcomes, List<EntryRecord> entries, List<String> notes,
      String because) {
    return new Report(outcomes, entries, notes, because);
  }

  /** True when some entry was stored unscrubbed on the user's explicit request. */
  public boolean unsanitized() {
    return entries.stream().anyMatch(e -> e.unsanitized);
  }

  private String unsanitizedWarning() {
    return "WARNING: THIS PACKET HOLDS UNSANITIZED MEMORY: "
        + entries.stream().filter(e -> e.unsanitized).map(e -> e.name).collect(Collectors.joining(", "))
        + " was stored without scrubbing, on request, and holds every password, key and personal datum that was in"
        + " the application's memory. Share it only as you would share the application's secrets.";
  }

  /** Complete when no collector failed or was skipped; collectors that were not requested do not count. */
  public boolean complete() {
    return outsideBecause.isEmpty() && outcomes.stream().noneMatch(Outcome::missing);
  }

  public List<Outcome> outcomes() {
    return outcomes;
  }

  /** report.txt: one line per collector, the entries with their redaction counts, and the verdict last. */
  public void writeReport(Writer w) throws IOException {
    if (unsanitized()) {
      w.write(unsanitizedWarning() + "\n\n");
    }
    w.write(String.format("%-20s %-8s %9s %12s  %s%n", "collector", "status", "time_ms", "bytes", "reason"));
    for (Outcome o : outcomes) {
      w.write(String.format("%-20s %-8s %9d %12d  %s%n", o.collector, o.status.name().toLowerCase(), o.millis,
          bytesOf(o.collector), o.reason));
    }
    w.write(String.format("%nentries%n%-36s %12s  %s%n", "name", "bytes", "redactions"));
    for (EntryRecord e : entries) {
      w.write(String.format("%-36s %12d  %s%n", e.name, e.bytes,
          e.unsanitized ? "UNSANITIZED (not scrubbed, on request)" : redactions(e.redactions)));
    }
    List<String> all = new ArrayList<>(notes);
    overBudgetNote().ifPresent(all::add);
    if (!all.isEmpty()) {
      w.write("\nnotes\n");
      for (String n : all) {
        w.write(n + "\n");
      }
    }
    w.write("\n" + verdict() + "\n");
  }

  /**
   * warning.txt: that the packet holds unsanitized memory, if it does; what is missing from the packet and why.
   * Only written when the packet is incomplete or unsanitized.
   */
  public void writeWarnings(Writer w) throws IOException {
    if (unsanitized()) {
      w.write(unsanitizedWarning() + "\n\n");
      if (complete()) {
        return;
      }
    }
    if (!outsideBecause.isEmpty()) {
      w.write("This support packet was written by the attach CLI from outside the JVM, because " + outsideBecause
          + "\nIt holds only what the JVM gives without running Java code or using its heap.\n\n");
    }
    w.write("This support packet is incomplete. Missing or partial content:\n\n");
    for (Outcome o : outcomes) {
      if (o.missing()) {
        w.write("- " + o.collector + " " + o.status.name().toLowerCase() + ": " + o.reason + "\n");
      }
    }
    w.write("\nEverything else in the packet is complete. report.txt lists every collector.\n");
  }

  private String verdict() {
    long ok = outcomes.stream().filter(o -> o.status == Outcome.Status.OK).count();
    long missing = outcomes.stream().filter(Outcome::missing).count();
    if (!outsideBecause.isEmpty()) {
      return "packet: partial, written by the attach CLI from outside the JVM because " + outsideBecause + " (" + ok
          + " collected, " + missing + " left out; warning.txt says what and why)";
    }
    return complete()
        ? "packet: complete (" + ok + " collectors ok)"
        : "packet: incomplete (" + ok + " ok, " + missing + " failed or skipped; see warning.txt)";
  }

  /** Lines a --rules regex could not finish scanning: replaced whole, so nothing unscanned left; said here. */
  private Optional<String> overBudgetNote() {
    String where = entries.stream()
        .filter(e -> e.redactions.keySet().stream().anyMatch(k -> k.startsWith(EntryScrubber.OVER_BUDGET)))
        .map(e -> e.name)
        .collect(Collectors.joining(", "));
    return where.isEmpty()
        ? Optional.empty()
        : Optional.of("lines replaced whole, a --rules regex ran past its work budget on them (" + where + "): make"
            + " that regex linear (no nested or repeated .*) to keep those lines");
  }

  private long bytesOf(String collector) {
    return entries.stream().filter(e -> e.owner.equals(collector)).mapToLong(e -> e.bytes).sum();
  }

  private static String redactions(Map<String, Integer> r) {
    // "rule(count)", never "rule=count": a rule named like a secret key would read as an assignment to scrub.
    return r.isEmpty()
        ? "-"
        : r.entrySet().stream().map(e -> e.getKey() + "(" + e.getValue() + ")").collect(Collectors.joining(" "));
  }
}
