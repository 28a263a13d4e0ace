package dev.supportpacket.agent.options;

/**
 * How text that came from outside (a JMX caller's option string, a file's content) may appear in a message. A
 * message goes to the status file the CLI follows, to the application's stderr, to the MBean's answer and to the
 * audit log: none of them may carry a control character (a crafted key once became a shell command in a file that
 * was later sourced), and none may carry file content (a rules file's bad line came back as a shadow entry).
 */
public final class UntrustedText {
  /** Longest key shown as given; longer ones are not a typo of ours. */
  private static final int MAX_KEY = 32;

  private UntrustedText() {}

  /**
   * An option key for a message: quoted when it looks like one of ours (letters, digits, {@code _ . -}, short),
   * otherwise only described by its length, so that nothing the caller chose reaches a log or a status line.
   */
  public static String key(String key) {
    if (!key.isEmpty() && key.length() <= MAX_KEY && key.matches("[A-Za-z0-9_.-]+")) {
      return "'" + key + "'";
    }
    return "(a key of " + key.length() + " characters that is not an option name)";
  }

  /**
   * One line with every control character (C0, DEL, C1, and the Unicode line and paragraph separators) replaced by
   * a space: what may go into a line-oriented file such as the status file.
   */
  public static String oneLine(String text) {
    StringBuilder sb = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean control = c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029';
      sb.append(control ? ' ' : c);
    }
    return sb.toString();
  }
}
