package dev.supportpacket.agent.trigger;

import java.nio.file.Path;
import java.util.Optional;

/** What one request for a packet came to: a path (complete or not), or a failure with a message naming the fix. */
public final class PacketResult {
  private final Path path;
  private final boolean complete;
  private final FailureKind failure;
  private final String message;

  private PacketResult(Path path, boolean complete, FailureKind failure, String message) {
    this.path = path;
    this.complete = complete;
    this.failure = failure;
    this.message = message;
  }

  public static PacketResult written(Path path, boolean complete) {
    return new PacketResult(path, complete, null, complete ? "complete" : "incomplete: see warning.txt");
  }

  public static PacketResult failed(FailureKind kind, String message) {
    return new PacketResult(null, false, kind, message);
  }

  public Optional<Path> path() {
    return Optional.ofNullable(path);
  }

  public boolean complete() {
    return complete;
  }

  public Optional<FailureKind> failure() {
    return Optional.ofNullable(failure);
  }

  public String message() {
    return message;
  }
}
