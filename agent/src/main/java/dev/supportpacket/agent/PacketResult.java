package dev.supportpacket.agent;

import dev.supportpacket.agent.packet.SealedFile;
import dev.supportpacket.agent.trigger.FailureKind;
import java.nio.file.Path;
import java.util.Optional;

/** What one request for a packet came to: a path (complete or not), or a failure with a message naming the fix. */
public final class PacketResult {
  private final SealedFile sealed;
  private final boolean complete;
  private final FailureKind failure;
  private final String message;

  private PacketResult(SealedFile sealed, boolean complete, FailureKind failure, String message) {
    this.sealed = sealed;
    this.complete = complete;
    this.failure = failure;
    this.message = message;
  }

  static PacketResult written(SealedFile sealed, boolean complete) {
    return new PacketResult(sealed, complete, null, complete ? "complete" : "incomplete: see warning.txt");
  }

  static PacketResult failed(FailureKind kind, String message) {
    return new PacketResult(null, false, kind, message);
  }

  public Optional<Path> path() {
    return sealed().map(SealedFile::path);
  }

  /** The packet written, with its size and SHA-256 as written. */
  public Optional<SealedFile> sealed() {
    return Optional.ofNullable(sealed);
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
