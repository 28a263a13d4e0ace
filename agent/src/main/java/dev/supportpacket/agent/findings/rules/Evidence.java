package dev.supportpacket.agent.findings.rules;

/** Where in the packet a finding's numbers can be checked: an entry, a line (0 when none), a short text. */
public final class Evidence {
  static final int MAX_TEXT = 300;

  public final String entry;
  public final int line;
  public final String text;

  public Evidence(String entry, int line, String text) {
    if (entry == null || entry.isEmpty()) {
      throw new IllegalArgumentException("evidence needs the entry it points to");
    }
    this.entry = entry;
    this.line = Math.max(0, line);
    String t = text == null ? "" : text.replace('\n', ' ');
    this.text = t.length() > MAX_TEXT ? t.substring(0, MAX_TEXT - 1) + "…" : t;
  }
}
