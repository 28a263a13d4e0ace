package dev.supportpacket.agent.sanitize;

/**
 * A rules file or site key file the sanitizer cannot use. The message names the file and the problem, for the user
 * who wrote it; no packet is written with half of the user's rules.
 */
public final class InvalidSettingsException extends Exception {
  private static final long serialVersionUID = 1L;

  public InvalidSettingsException(String message) {
    super(message);
  }

  public InvalidSettingsException(String message, Throwable cause) {
    super(message, cause);
  }
}
