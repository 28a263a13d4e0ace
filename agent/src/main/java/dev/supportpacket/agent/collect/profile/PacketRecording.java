package dev.supportpacket.agent.collect.profile;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import jdk.jfr.Recording;
import jdk.jfr.RecordingState;

/**
 * The packet's one JFR recording, shared by the CPU profile and the events. JFR rotates its chunk each time a
 * recording starts or stops while another one runs, and each rotation is a safepoint that writes the stack traces,
 * strings and threads seen so far: two recordings side by side cost the application two such pauses more than one
 * (measured with bench/evidence-overhead.sh: 4 checkpoints per window instead of 2).
 *
 * <p>Each collector {@linkplain #enlist enlists} its settings when it is made; the first to {@linkplain #open open}
 * the recording starts it with all of them, the first whose window is over stops it, and each dumps it to a raw file
 * of its own. A chunk holds the events of every recording that runs, so this changes no raw file's content: each
 * collector keeps only its own event types when it scrubs. The recording is closed when its last user is done; one
 * opened after that starts anew.
 */
public final class PacketRecording {
  private final Map<String, String> settings = new LinkedHashMap<>();
  /** Guarded by this; null when not running. */
  private Recording recording;
  private int users;

  /** Adds the settings ({@code event#key} to value) a collector needs; called when the collector is made. */
  synchronized void enlist(Map<String, String> eventSettings) {
    settings.putAll(eventSettings);
  }

  /** The recording for one user, started if it was not; the user must close it (try-with-resources). */
  synchronized Use open() {
    if (recording == null) {
      Recording r = new Recording();
      try {
        r.setName("support-packet");
        r.setSettings(settings);
        r.setToDisk(true);
        r.start();
      } catch (RuntimeException e) {
        r.close();
        throw e;
      }
      recording = r;
    }
    users++;
    return new Use(recording);
  }

  private synchronized void release(Recording r) {
    if (r == recording && --users == 0) {
      recording.close();
      recording = null;
    }
  }

  /** One collector's use of the recording. */
  final class Use implements AutoCloseable {
    private final Recording recording;
    private boolean closed;

    private Use(Recording recording) {
      this.recording = recording;
    }

    /** When the recording started: its events are from then on. */
    Instant start() {
      return recording.getStartTime();
    }

    /**
     * Stops the recording if it still runs (for every user: the window is the same for all) and writes it to
     * {@code raw}; returns the window's length.
     */
    Duration stopAndDump(Path raw) throws IOException {
      synchronized (PacketRecording.this) {
        if (recording.getState() == RecordingState.RUNNING) {
          recording.stop();
        }
      }
      recording.dump(raw);
      return Duration.between(recording.getStartTime(), recording.getStopTime());
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        release(recording);
      }
    }
  }
}
