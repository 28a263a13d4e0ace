package dev.supportpacket.agent.options;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the attach CLI tells the agent about itself: its OS user, host and name/version. Claims of the process that
 * attached (only the target's own user or root can), recorded as such in the audit log; never taken from a trigger,
 * whose caller the trigger itself names. Each part may be absent; control characters are replaced and the length
 * bounded here, since every part ends up in the audit log.
 */
public final class Claims {
  public static final Claims UNKNOWN = new Claims(null, null, null);
  static final Set<String> KEYS = Set.of("user", "clientHost", "client");
  private static final int MAX_LENGTH = 256;

  private final String user;
  private final String clientHost;
  private final String client;

  public Claims(String user, String clientHost, String client) {
    this.user = clean(user);
    this.clientHost = clean(clientHost);
    this.client = clean(client);
  }

  static Claims parse(Map<String, String> pairs) {
    return new Claims(pairs.get("user"), pairs.get("clientHost"), pairs.get("client"));
  }

  void encodeInto(Map<String, String> m) {
    user().ifPresent(u -> m.put("user", u));
    clientHost().ifPresent(h -> m.put("clientHost", h));
    client().ifPresent(c -> m.put("client", c));
  }

  private static String clean(String s) {
    if (s == null || s.isBlank()) {
      return null;
    }
    String one = UntrustedText.oneLine(s.strip());
    return one.length() > MAX_LENGTH ? one.substring(0, MAX_LENGTH) : one;
  }

  public Optional<String> user() {
    return Optional.ofNullable(user);
  }

  public Optional<String> clientHost() {
    return Optional.ofNullable(clientHost);
  }

  public Optional<String> client() {
    return Optional.ofNullable(client);
  }
}
