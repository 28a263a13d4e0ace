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
      // Not the 45 s an attach waits: the question's own deadline (5 s), with room for a loaded machine.
      assertTrue(took < 40_000, "took " + took + " ms");
      assertEquals(List.of("1\0jcmd\0VM.uptime\0\0\0"), silent.requests(), "only the question was sent");
      assertNoPacketIn(dir);
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

    private SilentListener(Path path, ServerSocketChannel server) {
      this.path = path;
      this.server = server;
    }

    static SilentListener at(Path path) throws IOException {
      ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
      server.bind(UnixDomainSocketAddress.of(path));
      // As the JVM makes its own: open to its user only, or the CLI refuses it.
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
      SilentListener l = new SilentListener(path, server);
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
          requests.add(new String(b.array(), 0, b.position(), StandardCharsets.UTF_8));
        }
      } catch (IOException e) {
        // closed
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
