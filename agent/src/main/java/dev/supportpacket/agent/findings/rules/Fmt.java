package dev.supportpacket.agent.findings.rules;

import java.util.Locale;

/** Numbers as findings print them. */
final class Fmt {
  private Fmt() {}

  static String mb(long bytes) {
    return bytes < 0 ? "?" : String.format(Locale.ROOT, "%,.0f MB", bytes / (1024.0 * 1024.0));
  }

  static String pct(double ratio) {
    return String.format(Locale.ROOT, "%.0f %%", ratio * 100);
  }

  static String secs(long ms) {
    return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
  }

  static String n(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  static String quoted(String threadName) {
    return "\"" + threadName + "\"";
  }
}
