package dev.supportpacket.cli;

import dev.supportpacket.agent.boot.Daemon;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * HotSpot's attach protocol, spoken to any JVM on Linux ({@link LoadAgentChannel} says why), and to one in another
 * mount namespace as jattach does it: the socket {@code /tmp/.java_pid<nspid>} and the trigger file
 * {@code .attach_pid<nspid>} of the target's own file system, reached through /proc/pid/root and /proc/pid/cwd, with
 * the pid the JVM sees for itself. The JDK 17 client the CLI runs on does this only when the two pids differ: from a
 * debug container, which shares the pid namespace but not the file system, it looks for the socket in its own /tmp
 * and never finds it.
 *
 * <p>Also the one channel of the diagnostic commands the CLI asks itself, of any target (the question before an
 * attach, the packet written from outside a JVM too full for the agent): unlike the JDK's client it puts a deadline on
 * the answer, and it works the same in a container and beside us.
 *
 * <p>Protocol 1 (JDK 6 to 25): the client writes {@code "1\0" <command>\0 <arg1>\0 <arg2>\0 <arg3>\0}; the JVM answers
 * a status line (0: done) and the command's output, then closes the connection.
 */
final class HotSpotAttach {
  private static final int S_IFMT = 0170000;
  private static final int S_IFSOCK = 0140000;
  private static final int GROUP_OR_OTHER = 0077;
  /** As the JDK's client: HotSpot starts its listener when its signal thread gets to the SIGQUIT. */
  private static final long LISTENER_WAIT_MILLIS = 10_000;
  /** A thread dump of some thousand threads is several MB; more than this is cut. */
  private static final int MAX_ANSWER = 32 << 20;

  private final TargetProcess target;
  private final long nsPid;

  HotSpotAttach(TargetProcess target) {
    this.target = target;
    this.nsPid = target.namespacePid();
  }

  /** Loads a Java agent; {@code jar} as the target names it. */
  void loadAgent(Path jar, String args) throws CliFailure {
    String answer;
    try {
      answer = execute("load", "instrument", "false", jar + "=" + args);
    } catch (IOException e) {
      throw failure("loading the agent", e);
    }
    String first = answer.split("\n", 2)[0].trim();
    // JDK 9+: "return code: N", the agent's Agent_OnAttach result; older JVMs answer the number alone.
    String rc = first.startsWith("return code: ") ? first.substring("return code: ".length()) : first;
    if (!rc.equals("0") && !rc.isEmpty()) {
      throw new CliFailure(ExitCode.AGENT_FAILED, "pid " + target.pid + " could not load the agent " + jar + " (" + first
          + "); see the application's stderr");
    }
  }

  /**
   * Runs one diagnostic command, as {@code jcmd <pid> <line>} does, and returns its output. The JVM runs it on its
   * attach listener thread; which commands are safe for a JVM in trouble is the caller's choice (see
   * {@link OutsidePacket}). Waits until {@code deadline} at most: then the connection is closed, and a JVM that answers
   * later writes into nothing.
   *
   * @throws CliFailure TIMEOUT when the JVM did not answer in time; AGENT_FAILED when it refused the command
   */
  String jcmd(String line, Duration deadline) throws CliFailure {
    try {
      return execute(deadline, "jcmd", line, "", "");
    } catch (AsynchronousCloseException e) {
      throw new CliFailure(ExitCode.TIMEOUT, "pid " + target.pid + " did not answer " + line + " within "
          + deadline.toSeconds() + " s");
    } catch (IOException e) {
      throw failure("running " + line, e);
    }
  }

  /** True when the JVM's attach listener runs: its socket exists (not yet checked as {@link #socket} checks it). */
  boolean listening() {
    return Files.exists(target.hostPath(Paths.get("/tmp", ".java_pid" + nsPid)), LinkOption.NOFOLLOW_LINKS);
  }

  private String execute(String command, String... args) throws IOException, CliFailure {
    return execute(null, command, args);
  }

  /** @param deadline null: wait as long as the JVM takes (the JDK's own client does) */
  private String execute(Duration deadline, String command, String... args) throws IOException, CliFailure {
    Path socket = socket();
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      // A blocking channel has no read timeout: closing it from another thread ends a read that waits.
      Thread watchdog = deadline == null ? null : Daemon.start("attach-deadline", () -> {
        try {
          Thread.sleep(deadline.toMillis());
          ch.close();
        } catch (InterruptedException | IOException e) {
          // answered in time, or already closed
        }
      });
      try {
        return exchange(ch, socket, command, args);
      } finally {
        if (watchdog != null) {
          watchdog.interrupt();
        }
      }
    }
  }

  private String exchange(SocketChannel ch, Path socket, String command, String... args) throws IOException,
      CliFailure {
    ch.connect(UnixDomainSocketAddress.of(socket));
    ByteArrayOutputStream request = new ByteArrayOutputStream();
    for (String s : new String[] {"1", command, args[0], args[1], args[2]}) {
      request.write(s.getBytes(StandardCharsets.UTF_8));
      request.write(0);
    }
    ByteBuffer out = ByteBuffer.wrap(request.toByteArray());
    while (out.hasRemaining()) {
      ch.write(out);
    }
    ByteArrayOutputStream answer = new ByteArrayOutputStream();
    ByteBuffer in = ByteBuffer.allocate(8192);
    while (ch.read(in) >= 0 && answer.size() < MAX_ANSWER) {
      answer.write(in.array(), 0, in.position());
      in.clear();
    }
    String s = answer.toString(StandardCharsets.UTF_8);
    int nl = s.indexOf('\n');
    String status = (nl < 0 ? s : s.substring(0, nl)).trim();
    if (!status.equals("0")) {
      throw new CliFailure(ExitCode.AGENT_FAILED, "pid " + target.pid + " refused the attach command " + command
          + " (status " + status + "): " + (nl < 0 ? "" : s.substring(nl + 1).trim()));
    }
    return nl < 0 ? "" : s.substring(nl + 1);
  }

  /**
   * The listener's socket, started when missing. Checked like the JDK's client does: a socket, of the target's user
   * or root, open to no one else; in a shared /tmp anyone could have put something under that name.
   */
  private Path socket() throws IOException, CliFailure {
    Path socket = target.hostPath(Paths.get("/tmp", ".java_pid" + nsPid));
    if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
      startListener(socket);
    }
    int mode = (Integer) Files.getAttribute(socket, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    long owner = ((Number) Files.getAttribute(socket, "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue();
    if ((mode & S_IFMT) != S_IFSOCK || (owner != target.uid() && owner != 0) || (mode & GROUP_OR_OTHER) != 0) {
      throw new CliFailure(ExitCode.AGENT_FAILED, socket + " is not the attach socket of pid " + target.pid
          + " (not a socket, of another user, or open to others); nothing was sent to it");
    }
    return socket;
  }

  /**
   * As HotSpot expects: a trigger file in its working directory (else its /tmp), then SIGQUIT. The caller has made
   * sure the JVM is not stopped: a stopped JVM would handle the signal when resumed, with the trigger file gone, and
   * print a thread dump instead.
   */
  private void startListener(Path socket) throws IOException, CliFailure {
    Path trigger = Paths.get("/proc", Long.toString(target.pid), "cwd", ".attach_pid" + nsPid);
    try {
      Files.createFile(trigger);
    } catch (IOException e) {
      trigger = target.hostPath(Paths.get("/tmp", ".attach_pid" + nsPid));
      Files.deleteIfExists(trigger);
      Files.createFile(trigger);
    }
    try {
      signalQuit();
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LISTENER_WAIT_MILLIS);
      for (long sleep = 20; !Files.exists(socket, LinkOption.NOFOLLOW_LINKS); sleep = Math.min(sleep * 2, 500)) {
        if (System.nanoTime() > deadline || !target.alive()) {
          throw new CliFailure(ExitCode.ATTACH_DISABLED, "pid " + target.pid + " did not start its attach listener in "
              + LISTENER_WAIT_MILLIS / 1000 + " s; it may run with -XX:+DisableAttachMechanism or be hung; use the"
              + " startup agent");
        }
        Thread.sleep(sleep);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliFailure(ExitCode.TIMEOUT, "interrupted while attaching to pid " + target.pid);
    } finally {
      Files.deleteIfExists(trigger);
    }
  }

  /** Java has no kill(2): the shell's kill, present in any image that has a shell. */
  private void signalQuit() throws IOException, InterruptedException, CliFailure {
    Process kill = new ProcessBuilder("sh", "-c", "kill -QUIT \"$1\"", "sh", Long.toString(target.pid))
        .redirectErrorStream(true).start();
    String out = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      kill.destroyForcibly();
      throw new CliFailure(ExitCode.AGENT_FAILED, "cannot signal pid " + target.pid + ": " + out);
    }
  }

  private CliFailure failure(String what, IOException e) {
    if (!target.alive()) {
      return new CliFailure(ExitCode.TARGET_DIED, "pid " + target.pid + " exited while " + what);
    }
    return new CliFailure(ExitCode.AGENT_FAILED, what + " in pid " + target.pid + " failed: " + e);
  }
}
