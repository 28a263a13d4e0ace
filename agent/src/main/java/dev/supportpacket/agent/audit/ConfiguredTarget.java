package dev.supportpacket.agent.audit;

import java.util.Set;

/** What every configured target has: the name it was given and the levels it takes. */
abstract class ConfiguredTarget implements AuditTarget {
  private final String name;
  private final Set<AuditRecord.Level> levels;

  ConfiguredTarget(String name, Set<AuditRecord.Level> levels) {
    this.name = name;
    this.levels = levels;
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final boolean accepts(AuditRecord.Level level) {
    return levels.contains(level);
  }
}
