package dev.supportpacket.cli;

import dev.supportpacket.agent.collect.RecordingHandoff;
import dev.supportpacket.agent.collect.profile.RecordingEntries;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The rest of a packet's two recordings after their first parts, read with JFR's parser once for both when it is
 * the same bytes. The agent dumps its one recording once for both kinds (the second kind's file is a hard link), and
 * the parser's cost is in a chunk's metadata and constants, not in the events each kind keeps; after the stop, two
 * parses of the same chunk shared the cores with the target and each other.
 *
 * <p>The two hand-overs arrive milliseconds apart, each on a thread of its own. The first to come waits for the
 * other and then reads for both; the other waits for that reading. It waits for a twin whose hand-over was announced
 * ({@link #expect}) until the twin comes or says it reads nothing here ({@link #skip}, which every hand-over says at
 * its end, whatever happened), at most {@link #WAIT_ANNOUNCED}: the packet waits for both anyway, so waiting costs
 * the first nothing, and on a loaded machine the twin may take a while. The bound is for a twin stuck behind the
 * first (a hand-over whose part was announced after it, by a target that does not follow the protocol, waits for a
 * thread the first holds). For a twin not announced yet it waits at most {@link #WAIT}. The second never waits for a
 * third; without a twin, or with other bytes, each reads its own, as it would alone.
 */
final class SharedRest {
  /**
   * How long the first waits for a twin not announced yet: the two announcements came 1-10 ms apart in traced
   * packets; past this the first reads alone (the twin's collector failed, or its dump).
   */
  static final Duration WAIT = Duration.ofMillis(150);
  /** How long the first waits for a twin announced already; past this it reads alone. */
  static final Duration WAIT_ANNOUNCED = Duration.ofSeconds(2);

  private final Duration wait;
  private final Duration waitAnnounced;
  private final Object lock = new Object();
  /** Rests that came so far. */
  private int arrived;
  /** Hand-overs announced so far. */
  private int announced;
  /** The first rest, while it waits for its twin; null otherwise. */
  private Rest waiting;
  /** Rests read once for two kinds. */
  private int shared;

  /**
   * @param wait how long the first to come waits for a twin not announced yet: {@link #WAIT}
   * @param waitAnnounced how long it waits for one announced: {@link #WAIT_ANNOUNCED}
   */
  SharedRest(Duration wait, Duration waitAnnounced) {
    this.wait = wait;
    this.waitAnnounced = waitAnnounced;
  }

  /**
   * Reads {@code rest} into {@code reading}, with its twin's reading when the twin's rest is the same bytes.
   *
   * @param sha256 of {@code rest}: the same bytes, the same reading
   * @param twinExpected whether the other kind's recording comes too (both handed a first part over): only then does
   *     the first to come wait
   */
  void read(byte[] sha256, Path rest, RecordingHandoff.Reading reading, boolean twinExpected) throws IOException {
    Rest mine = new Rest(sha256);
    Rest readsForUs = null;
    RecordingHandoff.Reading twin;
    synchronized (lock) {
      boolean first = arrived++ == 0;
      if (waiting != null) {
        if (MessageDigest.isEqual(waiting.sha256, sha256)) {
          readsForUs = waiting;
          readsForUs.twin = reading;
        }
        releaseWaiting();
      } else if (first && twinExpected) {
        waiting = mine;
        try {
          awaitRelease(mine);
        } finally {
          if (waiting == mine) {
            waiting = null;
          }
        }
      }
      twin = mine.twin;
      if (twin != null) {
        shared++;
      }
    }
    if (readsForUs != null) {
      awaitRead(readsForUs);
      return;
    }
    Throwable failure = null;
    try {
      RecordingEntries.readTogether(rest, twin == null ? List.of(reading) : List.of(reading, twin));
    } catch (IOException | RuntimeException | Error e) {
      failure = e;
      throw e;
    } finally {
      synchronized (lock) {
        mine.failure = failure;
        mine.read = true;
        lock.notifyAll();
      }
    }
  }

  /** Tells that a kind's hand-over was announced: its rest, or its {@link #skip}, is coming. */
  void expect() {
    synchronized (lock) {
      announced++;
      lock.notifyAll();
    }
  }

  /** Whether the first to come waits for its twin now. */
  boolean waitsForTwin() {
    synchronized (lock) {
      return waiting != null;
    }
  }

  /** Rests read once for two kinds, so far. */
  int shared() {
    synchronized (lock) {
      return shared;
    }
  }

  /**
   * Tells that a kind's rest is not read here, or no more: no first part, one its whole does not begin with, a
   * failure before, or the end of its hand-over. A first waiting for it stops waiting.
   */
  void skip() {
    synchronized (lock) {
      arrived++;
      releaseWaiting();
    }
  }

  /** Under the lock: the first, if it waits, stops waiting. */
  private void releaseWaiting() {
    if (waiting != null) {
      waiting.released = true;
      waiting = null;
      lock.notifyAll();
    }
  }

  /**
   * Under the lock: until a twin comes or gives up on us; at most {@link #wait} from now while the twin is not
   * announced, at most {@link #waitAnnounced} from now once it is.
   */
  private void awaitRelease(Rest mine) throws InterruptedIOException {
    long start = System.nanoTime();
    try {
      while (!mine.released) {
        long left = start + (announced >= 2 ? waitAnnounced : wait).toNanos() - System.nanoTime();
        if (left <= 0) {
          return;
        }
        TimeUnit.NANOSECONDS.timedWait(lock, left);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("stopped while waiting for the other recording");
    }
  }

  /** Until the twin that reads for us too has read; its failure is ours. */
  private void awaitRead(Rest twins) throws IOException {
    synchronized (lock) {
      try {
        while (!twins.read) {
          lock.wait();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("stopped while the other recording's thread read ours");
      }
    }
    if (twins.failure != null) {
      throw new IOException("the rest of the recording, read once for both kinds: " + twins.failure.getMessage(),
          twins.failure);
    }
  }

  /** One kind's rest; its fields but the first are guarded by the lock. */
  private static final class Rest {
    final byte[] sha256;
    /** Whether a twin came, or will not wait: this one then stops waiting. */
    boolean released;
    /** The twin's reading, when its rest is the same bytes: read here too. */
    RecordingHandoff.Reading twin;
    /** Whether this rest was read (for the twin too), and how that failed. */
    boolean read;
    Throwable failure;

    Rest(byte[] sha256) {
      this.sha256 = sha256;
    }
  }
}
