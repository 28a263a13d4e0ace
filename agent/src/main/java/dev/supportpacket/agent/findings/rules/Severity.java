package dev.supportpacket.agent.findings.rules;

import java.util.Locale;

/** How much a finding matters; the names are the contract of findings.json. */
public enum Severity {
  CRITICAL,
  WARNING,
  INFO;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Severity from its label; INFO for anything unknown (a newer packet read by an older CLI). */
  public static Severity of(String label) {
    for (Severity s : values()) {
      if (s.label().equals(label)) {
        return s;
      }
    }
    return INFO;
  }
}
