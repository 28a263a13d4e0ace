package dev.supportpacket.agent.options;

import java.time.Instant;
import java.util.Optional;

/**
 * The moment after which an attach request is no longer wanted. A JVM that is hung or thrashing accepts the attach
 * connection but may take the request only minutes later, when it recovers, long after the attach CLI gave up on it
 * and told its operator so; a packet written then would surprise everyone, and its work would hit a JVM that has
 * only just recovered. So the CLI names the moment it gives up ({@value #OPTION}, epoch milliseconds of the host's
 * clock, which the target shares even in a container), and an agent that receives the request later writes no
 * packet, only a status line saying the request expired.
 *
 * <p>Set by the attach CLI only: a trigger's request cannot carry it ({@link PacketRequest#KEYS}). Immutable.
 */
public final class RequestExpiry {
  /** The agent option that carries the expiry. */
  public static final String OPTION = "expires";

  private final long epochMillis;

  private RequestExpiry(long epochMillis) {
    if (epochMillis <= 0) {
      throw new IllegalArgumentException(OPTION + " must be a time in epoch milliseconds, not " + epochMillis);
    }
    this.epochMillis = epochMillis;
  }

  public static RequestExpiry at(Instant when) {
    return new RequestExpiry(when.toEpochMilli());
  }

  /**
   * Parses the option's value.
   *
   * @throws IllegalArgumentException when it is not a positive number of milliseconds (never quoting it)
   */
  static RequestExpiry parse(String value) {
    if (value == null || !value.matches("\\d{1,18}")) {
      throw new IllegalArgumentException(OPTION + " must be a time in epoch milliseconds");
    }
    return new RequestExpiry(Long.parseLong(value));
  }

  /**
   * The expiry in an argument string that may not parse, read before anything else of the request: an expired
   * request must cost the JVM nothing more. Empty when there is none or it is not a number (the full parse refuses
   * that request then).
   */
  public static Optional<RequestExpiry> in(String args) {
    if (args == null) {
      return Optional.empty();
    }
    String prefix = OPTION + "=";
    for (String pair : args.split(",")) {
      if (pair.startsWith(prefix)) {
        try {
          return Optional.of(parse(pair.substring(prefix.length())));
        } catch (IllegalArgumentException e) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }

  /** True when a request received at {@code nowMillis} came too late. */
  public boolean passed(long nowMillis) {
    return nowMillis > epochMillis;
  }

  /** The status line's message for a request received at {@code nowMillis}, after the expiry. */
  public String lateMessage(long nowMillis) {
    return "the attach request reached this JVM " + (nowMillis - epochMillis) / 1000 + " s after it expired at "
        + Instant.ofEpochMilli(epochMillis) + " (the attach CLI had given up on it); no packet was written";
  }

  /** The option as the CLI appends it to the agent arguments. */
  public String option() {
    return OPTION + "=" + epochMillis;
  }

  public Instant instant() {
    return Instant.ofEpochMilli(epochMillis);
  }
}
