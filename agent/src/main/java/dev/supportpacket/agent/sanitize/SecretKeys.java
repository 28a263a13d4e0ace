package dev.supportpacket.agent.sanitize;

import java.util.List;
import java.util.Locale;

/**
 * Decides by name whether a key holds a secret. Keys are compared lower-cased with separators removed, so
 * {@code DB_PASSWORD}, {@code db.password} and {@code dbPassword} are the same.
 */
final class SecretKeys {
  private static final List<String> SECRET_WORDS =
      List.of(
          "password", "passwd", "pwd", "secret", "token", "credential", "apikey", "privatekey", "accesskey",
          "signingkey", "salt", "passphrase", "auth", "cookie", "sessionid", "encryptkey", "encryptionkey",
          "clientsecret", "masterkey");

  /** Keys that contain a secret word but name a setting, not a secret (a user name, a URL, a flag). */
  private static final List<String> NOT_SECRET_SUFFIXES =
      List.of("enabled", "disabled", "url", "uri", "endpoint", "host", "port", "user", "username", "file", "path",
          "location", "type", "method", "timeout", "ttl", "expiry", "expiration", "length", "policy", "provider",
          "header", "name", "algorithm", "mode", "count", "size", "required");

  static SecretKeys defaults() {
    return new SecretKeys();
  }

  boolean isSecret(String key) {
    if (key == null) {
      return false;
    }
    String k = normalize(key);
    boolean secretWord = false;
    for (String w : SECRET_WORDS) {
      if (k.contains(w)) {
        secretWord = true;
        break;
      }
    }
    if (!secretWord) {
      return false;
    }
    for (String s : NOT_SECRET_SUFFIXES) {
      if (k.endsWith(s)) {
        return false;
      }
    }
    // "author", "authority" are not secrets.
    return !(k.contains("author") && !k.contains("authorization"));
  }

  static String normalize(String key) {
    StringBuilder sb = new StringBuilder(key.length());
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (Character.isLetterOrDigit(c)) {
        sb.append(c);
      }
    }
    return sb.toString().toLowerCase(Locale.ROOT);
  }
}
