package dev.supportpacket.cli;

import dev.supportpacket.agent.boot.Daemon;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;

/**
 * One JVM made ready to be asked for a packet, by the steps that need none of the packet's options: the process
 * checked ({@link TargetProcess#verify}), a directory of ours beside it ({@link TargetFiles}), the agent jar placed
 * there, and the JVM's answer to the cheapest question when its attach listener already runs ({@link #probe}).
 * For the pid that leads the command line, {@link Main} starts them on a thread of their own while the rest of the
 * command line is read and checked ({@link PlainCommandLine}, or picocli for anything unusual): all of it is on the
 * clock of every packet before its profile starts.
 */
final class PreparedTarget {
  /**
   * How long a JVM whose attach listener runs may take to answer {@code VM.uptime} before anything heavier is sent:
   * the command needs no safepoint and answers in milliseconds, but not while one lasts, and a JVM in a GC storm
   * (the very JVM a packet is wanted of) can spend several seconds in each full collection of a large heap. Longer
   * than that, well inside the minute the operator waits at most; a JVM that cannot answer in it is hung.
   */
  private static final Duration PROBE_DEADLINE = Duration.ofSeconds(15);

  final TargetProcess process;
  final TargetFiles files;
  /** The agent jar, as the target names it. */
  final Path agentJar;

  private PreparedTarget(TargetProcess process, TargetFiles files, Path agentJar) {
    this.process = process;
    this.files = files;
    this.agentJar = agentJar;
  }

  /**
   * Prepares the JVM {@code pid} on this thread.
   *
   * @throws CliFailure naming what is wrong and the fix: not a JVM we may attach to, no directory for our files, or
   *     a JVM that did not answer the question (then nothing more was sent to it)
   */
  static PreparedTarget of(String pid) throws CliFailure {
    return of(TargetProcess.verify(pid));
  }

  /**
   * Prepares a JVM already checked by {@link TargetProcess#verify}, on this thread; the probe, which mostly waits for
   * the JVM's answer, runs meanwhile on a thread of its own.
   */
  static PreparedTarget of(TargetProcess process) throws CliFailure {
    Probe probe = new Probe(process);
    Daemon.start("probe-".concat(Long.toString(process.pid)), probe);
    TargetFiles files = TargetFiles.of(process);
    Path jar = files.agentJar();
    probe.await("asking pid " + process.pid + " VM.uptime");
    return new PreparedTarget(process, files, jar);
  }

  /**
   * Starts {@link #of} on a daemon thread. Nothing it does loads anything into the JVM (which gets the question at most)
   * or needs undoing: should the command line turn out wrong, or ask for help, the CLI exits without waiting for it.
   */
  static Pending start(String pid) {
    Pending pending = new Pending(pid);
    Daemon.start("prepare-".concat(pid), pending);
    return pending;
  }

  /**
   * A step on a daemon thread of its own, whose result or failure {@link #await} hands to the thread that needs it.
   * A monitor, not a CompletableFuture and a lambda: those bootstrap java.lang.invoke (tens of ms) on the thread that
   * starts the step, before it starts, where the step's own thread pays it meanwhile.
   */
  abstract static class Background<T> implements Runnable {
    private boolean done;
    private T result;
    private Throwable failure;

    abstract T compute() throws CliFailure;

    @Override
    public final void run() {
      T r = null;
      Throwable f = null;
      try {
        r = compute();
      } catch (CliFailure | RuntimeException | Error e) {
        f = e;
      }
      synchronized (this) {
        result = r;
        failure = f;
        done = true;
        notifyAll();
      }
    }

    /**
     * The step's result, or its failure thrown here. Not bounded here: each step bounds itself (the probe by its
     * deadline, the others only read and write files).
     *
     * @param doing what the step does, for the message when this thread is interrupted
     */
    final synchronized T await(String doing) throws CliFailure {
      try {
        while (!done) {
          wait();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CliFailure(ExitCode.TIMEOUT, "interrupted while " + doing);
      }
      if (failure instanceof CliFailure) {
        throw (CliFailure) failure;
      }
      if (failure instanceof RuntimeException) {
        throw (RuntimeException) failure;
      }
      if (failure != null) {
        throw (Error) failure;
      }
      return result;
    }
  }

  /** {@link #probe}, on a thread of its own. */
  private static final class Probe extends Background<Void> {
    private final TargetProcess process;

    Probe(TargetProcess process) {
      this.process = process;
    }

    @Override
    Void compute() throws CliFailure {
      probe(process);
      return null;
    }
  }

  /** A preparation under way for one pid. */
  static final class Pending extends Background<PreparedTarget> {
    private final String pid;

    private Pending(String pid) {
      this.pid = pid;
    }

    @Override
    PreparedTarget compute() throws CliFailure {
      return of(pid);
    }

    /** The prepared JVM {@code pid}: this preparation's when it is for that pid, else one made now. */
    PreparedTarget get(String pid) throws CliFailure {
      return pid.equals(this.pid) ? await("preparing pid " + pid) : of(pid);
    }
  }

  /**
   * When the JVM's attach listener already runs, asks it the cheapest question first ({@code VM.uptime}) and sends
   * nothing more if it does not answer: a JVM that is hung or stuck in a safepoint then gets only that, which it
   * answers into a closed connection when it resumes; no agent is loaded and nothing is printed. A JVM whose listener
   * does not run yet is not probed: starting the listener takes the SIGQUIT the attach itself sends.
   */
  private static void probe(TargetProcess target) throws CliFailure {
    if (!Files.isDirectory(Paths.get("/proc/self"))) {
      return;
    }
    HotSpotAttach attach = new HotSpotAttach(target);
    if (!attach.listening()) {
      return;
    }
    try {
      attach.jcmd("VM.uptime", PROBE_DEADLINE);
    } catch (CliFailure f) {
      if (f.code == ExitCode.TIMEOUT) {
        throw new CliFailure(ExitCode.ATTACH_DISABLED, "pid " + target.pid + " did not answer VM.uptime, the"
            + " cheapest question, over its attach socket within " + PROBE_DEADLINE.toSeconds() + " s: it is hung or"
            + " stuck (a safepoint that does not end, a heap thrashing in full collections). Nothing heavier was sent:"
            + " when it resumes it answers that question into a closed connection and nothing else happens (no agent"
            + " loaded, no packet, nothing printed). Try again later, or start it with the agent (-javaagent, see"
            + " README) so that a signal can trigger it");
      }
      // Any other answer (an odd listener, a socket refused as not the JVM's): the attach itself says what is wrong.
    }
  }
}
