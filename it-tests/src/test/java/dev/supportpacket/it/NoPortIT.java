package dev.supportpacket.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.supportpacket.it.apps.CpuBurnerApp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 13, point 1: reaching an agent that already runs opens no port. Before, the second packet started the JVM's
 * management agent: an unauthenticated RMI connector listening on every interface for the rest of the target's life.
 * Three packets from the CLI, then the target's listening sockets (from /proc, matched to its own descriptors) and its
 * RMI threads are what they were before the first.
 */
@ResourceLock(value = "cpu-profile", mode = ResourceAccessMode.READ)
class NoPortIT {
  private static final Duration PATIENCE = Duration.ofSeconds(120);

  @ParameterizedTest
  @EnumSource(Jdk.class)
  void threePacketsFromTheCliLeaveNoListeningSocketAndNoRmiThread(Jdk jdk, @TempDir Path dir) throws Exception {
    try (TargetJvm target = TargetJvm.start(jdk, CpuBurnerApp.class, dir)) {
      assertThreePacketsOpenNothing(jdk, target, dir);
    }
  }

  @ParameterizedTest
  @EnumSource(Jdk.class)
  void theStartupAgentIsReachedWithoutAPortToo(Jdk jdk, @TempDir Path dir) throws Exception {
    Path agent = Paths.get(System.getProperty("agentJar")).toAbsolutePath().normalize();
    try (TargetJvm target = TargetJvm.start(jdk, CpuBurnerApp.class, dir, List.of("-javaagent:" + agent),
        Map.of(), List.of())) {
      // The startup agent registers its MBean a few seconds after start: the platform MBean server, not a port.
      await().atMost(PATIENCE).until(() -> Leftovers.jcmd(jdk, target, "VM.system_properties")
          .contains("dev.supportpacket.agent.version="));
      assertThreePacketsOpenNothing(jdk, target, dir);
    }
  }

  private static void assertThreePacketsOpenNothing(Jdk jdk, TargetJvm target, Path dir) throws Exception {
    Set<String> listeningBefore = listeningSockets(target.pid());
    List<String> rmiBefore = rmiThreads(jdk, target);
    for (int i = 1; i <= 3; i++) {
      Cli.Result r = Cli.run(Long.toString(target.pid()), "--duration", "1", "--output", dir.toString());
      assertEquals(0, r.exit, r::toString);
      if (i > 1) {
        assertTrue(r.err.contains("asking the running agent"), "packet " + i + " reached the loaded agent: " + r);
      }
    }
    assertEquals(listeningBefore, listeningSockets(target.pid()), "listening sockets of pid " + target.pid());
    assertEquals(rmiBefore, rmiThreads(jdk, target), "RMI threads of pid " + target.pid());
    assertEquals("(none)", Leftovers.jcmd(jdk, target, "ManagementAgent.status").lines()
        .filter(l -> l.contains("Connection Type") || l.contains("jmxremote"))
        .findFirst().orElse("(none)"), "the JVM's management agent was not started");
    assertTrue(target.isAlive());
    Leftovers.assertNone(jdk, target, dir);
  }

  /**
   * The sockets of this process in the LISTEN state: the kernel's socket tables list every socket of the network
   * namespace, so only inodes the process holds as descriptors count.
   */
  static Set<String> listeningSockets(long pid) throws IOException {
    Set<String> inodes = new HashSet<>();
    try (Stream<Path> fds = Files.list(Paths.get("/proc", Long.toString(pid), "fd"))) {
      for (Path fd : (Iterable<Path>) fds::iterator) {
        try {
          String link = Files.readSymbolicLink(fd).toString();
          if (link.startsWith("socket:[")) {
            inodes.add(link.substring("socket:[".length(), link.length() - 1));
          }
        } catch (IOException e) {
          // closed while we looked
        }
      }
    }
    Set<String> listening = new TreeSet<>();
    for (String table : new String[] {"tcp", "tcp6"}) {
      Path file = Paths.get("/proc", Long.toString(pid), "net", table);
      if (!Files.exists(file)) {
        continue;
      }
      List<String> lines = Files.readAllLines(file);
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.trim().split("\\s+");
        // local_address rem_address st ... inode is field 9; state 0A is LISTEN
        if (f.length > 9 && f[3].equals("0A") && inodes.contains(f[9])) {
          listening.add(table + " " + f[1]);
        }
      }
    }
    return listening;
  }

  private static List<String> rmiThreads(Jdk jdk, TargetJvm target) throws Exception {
    List<String> names = new ArrayList<>();
    for (String line : Leftovers.jcmd(jdk, target, "Thread.print").lines().collect(Collectors.toList())) {
      if (line.startsWith("\"RMI ") || line.startsWith("\"JMX server")) {
        names.add(line.substring(0, line.indexOf('"', 1) + 1));
      }
    }
    names.sort(null);
    return names;
  }
}
