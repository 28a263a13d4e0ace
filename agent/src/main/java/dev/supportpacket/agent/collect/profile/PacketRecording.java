package dev.supportpacket.agent.collect.profile;

import dev.supportpacket.agent.collect.RecordingHandoff;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import jdk.jfr.FlightRecorder;
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
 * collector keeps only its own event types when it scrubs. The recording is dumped once for all of them (a second
 * user's file is a hard link to the first's), and so is its preview, which costs a rotation. The recording is closed
 * when its last user is done; one opened after that starts anew.
 */
public final class PacketRecording {
  private final Map<String, String> settings = new LinkedHashMap<>();
  /** Guarded by this; null when not running. */
  private Recording recording;
  private int users;
  /** What raising JFR's stack depth did, for this packet's report; null until it was tried. Guarded by this. */
  private String depth;
  /** The files the running recording's preview and the stopped recording were dumped to; guarded by this. */
  private Path previewed;
  private Path dumped;

  /** Adds the settings ({@code event#key} to value) a collector needs; called when the collector is made. */
  synchronized void enlist(Map<String, String> eventSettings) {
    settings.putAll(eventSettings);
  }

  /**
   * Raises JFR's stack depth and starts JFR in this JVM, if it was not: on a JVM's first packet these took 1.4 s
   * (JDK 17, the diagnostic command's MBean server and JFR's own start), before the recording could start. Called
   * beside the packet's setup so that the recording starts sooner; JFR's threads then run from here on, as they
   * would once the recording started.
   */
  synchronized void prepare() {
    depth = JfrStackDepth.raise();
    try {
      FlightRecorder.getFlightRecorder();
    } catch (RuntimeException e) {
      // not available here: the recording's own start says so
    }
  }

  /** The recording for one user, started if it was not; the user must close it (try-with-resources). */
  synchronized Use open() {
    if (recording == null) {
      if (depth == null) {
        depth = JfrStackDepth.raise();
      }
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
      depth = null;
      previewed = null;
      dumped = null;
    }
  }

  /** One collector's use of the recording. */
  final class Use implements AutoCloseable {
    private final Recording recording;
    private boolean closed;

    private Use(Recording recording) {
      this.recording = recording;
    }

    /** What raising JFR's stack depth did before the recording started, for the report. */
    String stackDepth() {
      synchronized (PacketRecording.this) {
        return depth;
      }
    }

    /** When the recording started: its events are from then on. */
    Instant start() {
      return recording.getStartTime();
    }

    /**
     * Waits out a window {@code length} long from the recording's start, telling {@code secondsLeft} once a second,
     * and hands {@code work} a {@linkplain RecordingHandoff.Work#preview preview} {@link
     * RecordingHandoff#PREVIEW_LEAD} before its end when it wants one.
     */
    void await(Duration length, RecordingHandoff.Work work, LongConsumer secondsLeft) throws InterruptedException {
      long now = System.nanoTime();
      // From the recording's start, not from now: JFR's start returns 30-40 ms after the recording began (it writes
      // the chunk's first events), and the other collector may have started it a moment before. Counted from now,
      // every profile ran that much longer than asked, and every packet ended that much later.
      long sinceStart = Duration.between(start(), Instant.now()).toNanos();
      long end = now + length.toNanos() - Math.max(0, Math.min(length.toNanos(), sinceStart));
      boolean previewDue = work.wantsPreview(length);
      long previewAt = end - RecordingHandoff.PREVIEW_LEAD.toNanos();
      long tick = now;
      while (end - now > 0) {
        if (previewDue && now - previewAt >= 0) {
          previewDue = false;
          work.preview(this::preview, start().toEpochMilli());
        }
        if (now - tick >= 0) {
          secondsLeft.accept((end - now + 999_999_999L) / 1_000_000_000L);
          tick += 1_000_000_000L;
        }
        long wake = previewDue && previewAt - tick < 0 ? previewAt : tick;
        TimeUnit.NANOSECONDS.sleep(Math.min(end - now, wake - now));
        now = System.nanoTime();
      }
    }

    /** Dumps the running recording: once for every user, since each dump rotates the chunk (a safepoint). */
    private void preview(Path file) throws IOException {
      synchronized (PacketRecording.this) {
        if (previewed == null || !linked(file, previewed)) {
          recording.dump(file);
          previewed = file;
        }
      }
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
        if (dumped == null || !linked(raw, dumped)) {
          recording.dump(raw);
          dumped = raw;
        }
      }
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

  /** Makes {@code link} a hard link to {@code existing}; false when it cannot (gone meanwhile, another file system). */
  private static boolean linked(Path link, Path existing) {
    try {
      Files.createLink(link, existing);
      return true;
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }
}
