package dev.supportpacket.agent.options;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The wire codec of the agent argument string: {@code key=value,key=value}, values percent-encoded where they hold
 * {@code , = %} or a control character so that paths survive the trip. Knows nothing of the keys' meaning: that is
 * {@link PacketRequest} (what a trigger may ask), {@link StartupSettings} (what only the operator sets) and
 * {@link Claims} (who the attach CLI says it is).
 */
public final class AgentArgs {
  private AgentArgs() {}

  /**
   * The pairs of an argument string, in order; a key without {@code =} has the empty value.
   *
   * @param args may be null or blank (no pairs)
   * @throws IllegalArgumentException when a key is given twice (the later one would silently win)
   */
  public static Map<String, String> decode(String args) {
    Map<String, String> pairs = new LinkedHashMap<>();
    if (args == null || args.isBlank()) {
      return Collections.unmodifiableMap(pairs);
    }
    for (String pair : args.split(",")) {
      if (pair.isBlank()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = (eq < 0 ? pair : pair.substring(0, eq)).trim();
      String value = eq < 0 ? "" : decodeValue(pair.substring(eq + 1));
      if (pairs.put(key, value) != null) {
        throw new IllegalArgumentException("agent option " + UntrustedText.key(key) + " is given twice");
      }
    }
    return Collections.unmodifiableMap(pairs);
  }

  /** The inverse of {@link #decode}. */
  public static String encode(Map<String, String> pairs) {
    StringBuilder sb = new StringBuilder();
    pairs.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ",").append(k).append('=').append(encodeValue(v)));
    return sb.toString();
  }

  static String encodeValue(String v) {
    StringBuilder sb = new StringBuilder();
    for (char c : v.toCharArray()) {
      if (c == ',' || c == '=' || c == '%' || c < 0x20) {
        sb.append(String.format("%%%02X", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  static String decodeValue(String v) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c == '%' && i + 2 < v.length() && isHex(v.charAt(i + 1)) && isHex(v.charAt(i + 2))) {
        sb.append((char) Integer.parseInt(v.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  private static boolean isHex(char c) {
    return Character.digit(c, 16) >= 0;
  }
}
