package dev.supportpacket.agent.report;

/** What became of one collector. Immutable. */
public final class Outcome {
  /** ok: ran; failed: ran and broke; skipped: had nothing to collect; off: not requested for this packet. */
  public enum Status {
    OK, FAILED, SKIPPED, OFF
  }

  public final String collector;
  public final Status status;
  public final long millis;
  /** Empty for ok. */
  public final String reason;

  private Outcome(String collector, Status status, long millis, String reason) {
    this.collector = collector;
    this.status = status;
    this.millis = millis;
    this.reason = reason == null ? "" : reason;
  }

  public static Outcome ok(String collector, long millis) {
    return new Outcome(collector, Status.OK, millis, "");
  }

  public static Outcome failed(String collector, long millis, String reason) {
    return new Outcome(collector, Status.FAILED, millis, reason);
  }

  public static Outcome skipped(String collector, long millis, String reason) {
    return new Outcome(collector, Status.SKIPPED, millis, reason);
  }

  public static Outcome off(String collector, String reason) {
    return new Outcome(collector, Status.OFF, 0, reason);
  }

  /** Failed and skipped collectors make a packet incomplete; ones that were not requested do not. */
  public boolean missing() {
    return status == Status.FAILED || status == Status.SKIPPED;
  }
}
