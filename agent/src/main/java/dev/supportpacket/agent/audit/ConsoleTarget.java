package dev.supportpacket.agent.audit;

import java.io.PrintStream;
import java.util.List;
import java.util.Set;

/** Writes each record as one line on the application's stdout or stderr. No chain: a console is not evidence. */
final class ConsoleTarget implements AuditTarget {
  private final String name;
  private final PrintStream out;
  private final AuditFormat format;
  private final Set<AuditRecord.Level> levels;

  ConsoleTarget(String name, PrintStream out, AuditFormat format, Set<AuditRecord.Level> levels) {
    this.name = name;
    this.out = out;
    this.format = format;
    this.levels = levels;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public boolean accepts(AuditRecord.Level level) {
    return levels.contains(level);
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
