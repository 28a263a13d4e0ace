package dev.supportpacket.agent.collect;

import dev.supportpacket.agent.options.PacketOptions;
import dev.supportpacket.agent.packet.PrivateFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a collector may use: the options, a private scratch directory, the progress channel, and where raw recordings
 * are read back. Immutable.
 */
public final class CollectContext {
  private final PacketOptions options;
  private final Path scratchDir;
  private final Progress progress;
  private final RecordingHandoff handoff;
  private final AtomicLong counter = new AtomicLong();

  public CollectContext(PacketOptions options, Path scratchDir, Progress progress) {
    this(options, scratchDir, progress, RecordingHandoff.IN_PROCESS);
  }

  public CollectContext(PacketOptions options, Path scratchDir, Progress progress, RecordingHandoff handoff) {
    this.options = options;
    this.scratchDir = scratchDir;
    this.progress = progress;
    this.handoff = handoff;
  }

  /** Where the raw recordings are read back: in the attach CLI when one waits for them, else here. */
  public RecordingHandoff handoff() {
    return handoff;
  }

  public PacketOptions options() {
    return options;
  }

  public Progress progress() {
    return progress;
  }

  /**
   * A new path in the private scratch directory (mode 0700), removed with it when the packet is done. The file is
   * not created: some producers (JFR dumps) refuse to overwrite.
   */
  public Path scratchPath(String prefix, String suffix) {
    return scratchDir.resolve(prefix + "-" + counter.incrementAndGet() + suffix);
  }

  /** Like {@link #scratchPath}, but the file is created empty with mode 0600. */
  public Path scratchFile(String prefix, String suffix) throws IOException {
    return PrivateFiles.createFile(scratchPath(prefix, suffix));
  }
}
