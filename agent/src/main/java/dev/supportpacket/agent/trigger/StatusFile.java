package dev.supportpacket.agent.trigger;

import dev.supportpacket.agent.collect.Progress;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import dev.supportpacket.agent.options.UntrustedText;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The channel from the agent to the attach CLI: the agent appends one line per event to a file the CLI created and
 * follows; the lines are {@link StatusProtocol}'s. A file works across any two processes of one user, with no port
 * opened.
 */
public final class StatusFile implements Progress {
  private final Path file;

  /** @param file where to append; null for nobody watching */
  public StatusFile(Path file) {
    this.file = file;
  }

  /** The first line: which agent took the request, and whether it was loaded before. */
  public void hello(String agentVersion, boolean loadedBefore) {
    append(StatusProtocol.hello(agentVersion, loadedBefore));
  }

  @Override
  public void phase(String phase, long secondsLeft) {
    append(StatusProtocol.phase(phase, secondsLeft, -1));
  }

  @Override
  public void phase(String phase, long secondsLeft, long bytes) {
    append(StatusProtocol.phase(phase, secondsLeft, bytes));
  }

  /** A raw recording's first part waits for the CLI in directory {@code name} of its hand-over directory. */
  public void part(String kind, String name) {
    append(StatusProtocol.part(kind, name));
  }

  /** A raw recording waits for the CLI in directory {@code name} of its hand-over directory. */
  public void work(String kind, String name) {
    append(StatusProtocol.work(kind, name));
  }

  public void done(boolean complete, Path packet) {
    append(StatusProtocol.done(complete, packet.toString()));
  }

  public void failed(FailureKind kind, String message) {
    append(StatusProtocol.failed(kind, message));
  }

  private void append(String line) {
    if (file == null) {
      return;
    }
    try {
      // Appends to the file the CLI created, never creates one, and never follows a link planted in its place.
      Files.write(file, (UntrustedText.oneLine(line) + "\n").getBytes(StandardCharsets.UTF_8),
          StandardOpenOption.APPEND, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException | RuntimeException e) {
      // The CLI went away or cannot be reached; the packet is still written.
    }
  }
}
