package dev.supportpacket.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.supportpacket.it.apps.CpuBurnerApp;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JVM that is not stopped but does not answer (hung, stuck in a safepoint, frozen by its cgroup) is recognised
 * before anything heavier than a question is sent to it, and the CLI says what happens when it resumes.
 */
class UnresponsiveJvmIT {

  /**
   * An attach socket that accepts and never answers, as a JVM stuck in a safepoint does: here a socket of the test's
   * own at the JVM's name, so that the JVM itself is left alone (it never even sees the question). The CLI asks only
   * VM.uptime, gives up after its short deadline, and sends no agent.
   */
  @Test
  void aJvmThatDoesNotAnswerTheCheapestQuestionGetsNothingHeavier(@TempDir Path dir) throws Exception {
    try (TargetJvm target = TargetJvm.start(Jdk.JDK17, CpuBurnerApp.class, dir);
        SilentListener silent = SilentListener.at(Paths.get("/tmp", ".java_pid" + target.pid()))) {
      long start = System.currentTimeMillis();
      Cli.Result r = Cli.run(Long.toString(target.pid()), "--duration", "1");
      long took = System.currentTimeMillis() - start;
      assertEquals(6, r.exit, r::toString);
      assertTrue(r.err.contains("did not answer VM.uptime") && r.err.contains("Nothing heavier was sent"), r::toString);
      assertTrue(r.err.contains("when it resumes"), "says what the JVM does when it resumes: " + r);
      // Not the 45 s an attach waits: the question's own deadline (15 s), with room for a loaded machine.
      assertTrue(took < 40_000, "took " + took + " ms");
      assertEquals(List.of("1\0jcmd\0VM.uptime\0\0\0"), silent.requests(), "only the question was sent");
      assertNoPacketIn(dir);
    }
  }

  /**
   * A JVM that takes the attach request only after the CLI gave up on it (hung, then recovered): the request carries
   * its expiry, and the agent writes no packet, only a status line saying the request expired. Here the CLI's own
   * request is held by a listener of the test's that answers the question before it (as a JVM that hangs between the
   * two would), then handed to the JVM, byte for byte, once the CLI has given up.
   */
  @Test
  void aRequestTheJvmTakesAfterTheCliGaveUpWritesNoPacket(@TempDir Path dir) throws Exception {
    Path out = Files.createDirectory(dir.resolve("out"));
    try (TargetJvm target = TargetJvm.start(Jdk.JDK17, CpuBurnerApp.class, dir)) {
      Path socket = Paths.get("/tmp", ".java_pid" + target.pid());
      String request;
      try (SilentListener held = SilentListener.answeringTheQuestion(socket)) {
        Cli.Result r = Cli.run(Long.toString(target.pid()), "--duration", "1", "-o", out.toString());
        assertEquals(6, r.exit, r::toString);
        assertTrue(r.err.contains("did not answer the attach request within 45 s") && r.err.contains("expired at")
            && r.err.contains("the agent writes no packet, only a status line saying the request expired"), r::toString);
        List<String> load = held.requests().stream().filter(q -> q.startsWith("1\0load\0"))
            .collect(Collectors.toList());
        assertEquals(1, load.size(), () -> held.requests() + "\n" + r);
        // The CLI's copy of the agent jar may be gone by now (CLIs of other builds on this machine clean copies of
        // other versions): the build's own jar, the same agent, takes its place; the arguments stay the CLI's.
        String cliRequest = load.get(0);
        int jar = cliRequest.indexOf("\0false\0") + "\0false\0".length();
        request = cliRequest.substring(0, jar) + Paths.get(System.getProperty("agentJar")).toAbsolutePath().normalize()
            + cliRequest.substring(cliRequest.indexOf('=', jar));
      }
      // The status file the CLI made and removed when it gave up, made again to see what the late agent says.
      Matcher status = Pattern.compile("status=([^,\0]+)").matcher(request);
      assertTrue(status.find(), request);
      Path statusFile = Files.createFile(Paths.get(status.group(1)));
      try {
        Leftovers.jcmd(Jdk.JDK17, target, "VM.uptime"); // the JVM's own listener, started as jcmd starts it
        String answer = SilentListener.send(socket, request);
        assertTrue(answer.startsWith("0\n") && answer.contains("return code: 0"), answer);
        List<String> lines = Files.readAllLines(statusFile);
        assertEquals(1, lines.size(), () -> "answer " + answer + ", request " + request.replace('\0', '|'));
        assertTrue(lines.get(0).startsWith("failed EXPIRED the attach request reached this JVM"), lines::toString);
      } finally {
        Files.deleteIfExists(statusFile);
      }
      Thread.sleep(2000);
      assertNoPacketIn(out);
      assertNoPacketIn(dir);
      assertFalse(Leftovers.jcmd(Jdk.JDK17, target, "VM.system_properties").contains("dev.supportpacket.agent.loads"),
          "the agent's code was not even counted as loaded");
      Leftovers.assertNone(Jdk.JDK17, target, out);
    }
  }

  /**
   * {@code docker pause} freezes a container's cgroup: its JVM reads as sleeping (D or S), not stopped, and runs
   * nothing. Nothing is sent (a SIGQUIT would print a thread dump on thaw), and it resumes as it was.
   */
  @Test
  void aJvmFrozenByItsCgroupIsToldAndGetsNothing(@TempDir Path dir) throws Exception {
    Path freezer = Paths.get("/sys/fs/cgroup/freezer");
    assumeTrue(Files.isWritable(freezer) && "root".equals(System.getProperty("user.name")),
        "needs root and the cgroup v1 freezer");
    Path group = freezer.resolve("it-frozen-" + ProcessHandle.current().pid());
    try (TargetJvm target = TargetJvm.start(Jdk.JDK17, CpuBurnerApp.class, dir)) {
      Files.createDirectory(group);
      Cli.Result r;
      try {
        Files.writeString(group.resolve("cgroup.procs"), Long.toString(target.pid()));
        Files.writeString(group.resolve("freezer.state"), "FROZEN");
        r = Cli.run(Long.toString(target.pid()), "--duration", "1");
      } finally {
        Files.writeString(group.resolve("freezer.state"), "THAWED");
        Files.writeString(freezer.resolve("cgroup.procs"), Long.toString(target.pid()));
      }
      assertEquals(6, r.exit, r::toString);
      assertTrue(r.err.contains("is frozen by its cgroup's freezer") && r.err.contains("nothing was sent"),
          r::toString);
      // A SIGQUIT left pending would print a thread dump as soon as it runs again.
      Thread.sleep(2000);
      assertFalse(target.output().stream().anyMatch(l -> l.contains("Full thread dump")), target.output()::toString);
      assertTrue(target.isAlive());
      assertNoPacketIn(dir);
    } finally {
      Files.deleteIfExists(group);
    }
  }

  private static void assertNoPacketIn(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(List.of(), s.map(p -> p.getFileName().toString()).filter(n -> n.contains("support-packet"))
          .collect(Collectors.toList()));
    }
  }

  /** A UNIX socket that accepts connections, reads what is sent and never answers; removed on close. */
  private static final class SilentListener implements AutoCloseable {
    private final Path path;
    private final ServerSocketChannel server;
    private final List<SocketChannel> held = Collections.synchronizedList(new ArrayList<>());
    private final List<String> requests = Collections.synchronizedList(new ArrayList<>());

    private final boolean answerUptime;

    private SilentListener(Path path, ServerSocketChannel server, boolean answerUptime) {
      this.path = path;
      this.server = server;
      this.answerUptime = answerUptime;
    }

    static SilentListener at(Path path) throws IOException {
      return start(path, false);
    }

    /** Answers VM.uptime, the CLI's question before it attaches, and holds everything else unanswered. */
    static SilentListener answeringTheQuestion(Path path) throws IOException {
      return start(path, true);
    }

    private static SilentListener start(Path path, boolean answerUptime) throws IOException {
      ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
      server.bind(UnixDomainSocketAddress.of(path));
      // As the JVM makes its own: open to its user only, or the CLI refuses it.
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
      SilentListener l = new SilentListener(path, server, answerUptime);
      Thread t = new Thread(l::serve, "it-silent-listener");
      t.setDaemon(true);
      t.start();
      return l;
    }

    private void serve() {
      try {
        while (true) {
          SocketChannel c = server.accept();
          held.add(c);
          ByteBuffer b = ByteBuffer.allocate(4096);
          // The request is five NUL-terminated strings; read them, then keep the connection open and silent.
          int nuls = 0;
          while (nuls < 5 && c.read(b) > 0) {
            nuls = 0;
            for (int i = 0; i < b.position(); i++) {
              nuls += b.get(i) == 0 ? 1 : 0;
            }
          }
          String request = new String(b.array(), 0, b.position(), StandardCharsets.UTF_8);
          requests.add(request);
          if (answerUptime && request.equals("1\0jcmd\0VM.uptime\0\0\0")) {
            c.write(ByteBuffer.wrap("0\n12.345 s\n".getBytes(StandardCharsets.UTF_8)));
            c.close();
          }
        }
      } catch (IOException e) {
        // closed
      }
    }

    /** Sends one request of the attach protocol as it is and returns the whole answer. */
    static String send(Path socket, String request) throws IOException {
      try (SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
        c.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.UTF_8)));
        return new String(java.nio.channels.Channels.newInputStream(c).readAllBytes(), StandardCharsets.UTF_8);
      }
    }

    List<String> requests() {
      return List.copyOf(requests);
    }

    @Override
    public void close() throws IOException {
      server.close();
      for (SocketChannel c : held) {
        c.close();
      }
      Files.deleteIfExists(path);
    }
  }
}
