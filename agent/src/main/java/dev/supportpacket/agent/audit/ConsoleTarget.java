package dev.supportpacket.agent.audit;

import java.io.PrintStream;
import java.util.List;
import java.util.Set;

/** Writes each record as one line on the application's stdout or stderr. No chain: a console is not evidence. */
final class ConsoleTarget extends ConfiguredTarget {
  private final PrintStream out;
  private final AuditFormat format;

  ConsoleTarget(String name, PrintStream out, AuditFormat format, Set<AuditRecord.Level> levels) {
    super(name, levels);
    this.out = out;
    this.format = format;
  }

  @Override
  public void write(List<AuditRecord> batch) {
    StringBuilder sb = new StringBuilder();
    for (AuditRecord r : batch) {
      sb.append(format.format(r.fields())).append(System.lineSeparator());
    }
    // One print call: the application's own lines do not land in the middle of ours.
    out.print(sb);
    out.flush();
  }
}
