package dev.supportpacket.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.tools.attach.VirtualMachine;
import dev.supportpacket.it.apps.CpuBurnerApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.RuntimeMBeanException;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The agent started with the application (-javaagent): packets on a signal and on a JMX operation, no attach. Shares
 * the cores, so it stays out of the way of the test that counts profile samples (READ: these may run together).
 */
@ResourceLock(value = "cpu-profile", mode = ResourceAccessMode.READ)
class StartupAgentIT {
  private static final Duration PATIENCE = Duration.ofSeconds(120);
  private static final String MBEAN = "dev.supportpacket:type=SupportPacket";
  private static final String[] CREATE_SIGNATURE = {String.class.getName()};

  @ParameterizedTest
  @EnumSource(Jdk.class)
  void signalWritesACompletePacketAndTheApplicationKeepsRunning(Jdk jdk, @TempDir Path dir) throws Exception {
    Path out = Files.createDirectory(dir.resolve("packets"));
    try (TargetJvm target = startWithAgent(jdk, dir, "output=" + out + ",duration=1")) {
      kill("URG", target);

      Path packet = await().atMost(PATIENCE).until(() -> packets(out), l -> l.size() == 1).get(0);
      PacketZip zip = new PacketZip(packet);
      assertComplete(zip);
      assertEquals("signal", zip.yaml("metadata.yaml").get("trigger"));
      await().atMost(PATIENCE).until(() -> agentLines(target).stream().anyMatch(l -> l.contains("packet written")));
      assertEquals(List.of("support-packet: SIGURG: packet written (complete): " + packet), agentLines(target));

      assertTrue(target.isAlive());
      assertTrue(Leftovers.jcmd(jdk, target, "VM.version").contains("JDK"), "the application still answers");
      await().atMost(PATIENCE).untilAsserted(() -> Leftovers.assertNone(jdk, target, out));
    }
  }

  @ParameterizedTest
  @EnumSource(Jdk.class)
  void jmxOperationReturnsThePathOfACompletePacket(Jdk jdk, @TempDir Path dir) throws Exception {
    Path out = Files.createDirectory(dir.resolve("packets"));
    try (TargetJvm target = startWithAgent(jdk, dir, "output=" + out);
        JMXConnector jmx = connect(target)) {
      MBeanServerConnection server = jmx.getMBeanServerConnection();
      ObjectName name = new ObjectName(MBEAN);
      assertEquals("none", server.getAttribute(name, "LastOutcome"));

      String path = (String) server.invoke(name, "createPacket", new Object[] {"duration=1"}, CREATE_SIGNATURE);

      Path packet = Paths.get(path);
      assertEquals(out, packet.getParent(), "the agent's output option holds for JMX requests too");
      PacketZip zip = new PacketZip(packet);
      assertComplete(zip);
      assertEquals("jmx", zip.yaml("metadata.yaml").get("trigger"));
      assertEquals(path, server.getAttribute(name, "LastPacketPath"));
      assertEquals("complete", server.getAttribute(name, "LastOutcome"));
      assertEquals(false, server.getAttribute(name, "InProgress"));
      assertTrue(target.isAlive());
      Leftovers.assertNone(jdk, target, out);
    }
  }

  /** Issue 13, point 2: a JMX caller asks for a packet; it cannot turn off the audit, write files or pose as the CLI. */
  @Test
  void jmxCallerCannotConfigureTheAgent(@TempDir Path dir) throws Exception {
    Path out = Files.createDirectory(dir.resolve("packets"));
    Path victim = Files.writeString(dir.resolve("victim.sh"), "echo ok\n");
    Path noAudit = Files.writeString(dir.resolve("none.yaml"), "targets:\n  - type: none\n");
    try (TargetJvm target = startWithAgent(Jdk.JDK17, dir, "output=" + out);
        JMXConnector jmx = connect(target)) {
      MBeanServerConnection server = jmx.getMBeanServerConnection();
      ObjectName name = new ObjectName(MBEAN);
      for (String forbidden : List.of("audit=" + noAudit, "status=" + victim, "rules=/etc/passwd", "user=root",
          "client=attach-cli", "clientHost=admin", "heapDumpRaw=true", "output=/tmp", "x$(touch pwned)=1")) {
        RuntimeMBeanException e = org.junit.jupiter.api.Assertions.assertThrows(RuntimeMBeanException.class,
            () -> server.invoke(name, "createPacket", new Object[] {"duration=1," + forbidden}, CREATE_SIGNATURE));
        String message = String.valueOf(e.getCause().getMessage());
        assertTrue(message.contains("cannot be given by a trigger") || message.contains("at or below " + out),
            forbidden + ": " + message);
        assertFalse(message.contains("touch") || message.contains("passwd") || message.contains("root"), message);
      }
      assertEquals("echo ok\n", Files.readString(victim), "no status line was appended to the caller's file");
      assertEquals(List.of(), packets(out), "no packet was written for a refused request");
      // A refusal is recorded without waiting for the audit targets: wait for the nine records here.
      List<String> audit = await().atMost(PATIENCE).until(() -> Files.exists(out.resolve("support-packet-audit.jsonl"))
          ? Files.readAllLines(out.resolve("support-packet-audit.jsonl")) : List.<String>of(),
          l -> l.stream().filter(r -> r.contains("rejected")).count() == 9);
      assertFalse(audit.stream().anyMatch(l -> l.contains("touch")), "the crafted key is not in the audit log");
      assertTrue(target.isAlive());
    }
  }

  @ParameterizedTest
  @EnumSource(Jdk.class)
  void fiveConcurrentTriggersGiveOnePacketAndTellTheOthersWhichOneIsBeingWritten(Jdk jdk, @TempDir Path dir)
      throws Exception {
    Path out = Files.createDirectory(dir.resolve("packets"));
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try (TargetJvm target = startWithAgent(jdk, dir, "output=" + out);
        JMXConnector jmx = connect(target)) {
      MBeanServerConnection server = jmx.getMBeanServerConnection();
      ObjectName name = new ObjectName(MBEAN);
      CyclicBarrier together = new CyclicBarrier(5);
      List<Future<String>> answers = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        answers.add(pool.submit(() -> {
          together.await(30, TimeUnit.SECONDS);
          try {
            // Long enough that the five surely overlap on a busy machine.
            return "path " + server.invoke(name, "createPacket", new Object[] {"duration=3"}, CREATE_SIGNATURE);
          } catch (RuntimeMBeanException e) {
            return "refused " + e.getCause().getMessage();
          }
        }));
      }
      together.await(30, TimeUnit.SECONDS);
      kill("URG", target);

      List<String> jmxAnswers = new ArrayList<>();
      for (Future<String> f : answers) {
        jmxAnswers.add(f.get(PATIENCE.toSeconds(), TimeUnit.SECONDS));
      }
      await().atMost(PATIENCE).until(() -> agentLines(target), l -> !l.isEmpty());
      List<Path> written = await().atMost(PATIENCE).until(() -> packets(out), l -> l.size() == 1);
      String packet = written.get(0).toString();
      List<String> all = new ArrayList<>(jmxAnswers);
      // The signal's own answer; the agent may also tell of a slow audit write on a loaded machine.
      all.addAll(agentLines(target).stream().filter(l -> l.contains("SIGURG") || l.contains("packet written"))
          .collect(Collectors.toList()));

      List<String> winners = all.stream()
          .filter(a -> a.equals("path " + packet) || a.contains("packet written (") && a.endsWith("): " + packet))
          .collect(Collectors.toList());
      assertEquals(1, winners.size(), "exactly one trigger wrote the packet: " + all);
      List<String> refused = all.stream().filter(a -> !winners.contains(a)).collect(Collectors.toList());
      assertEquals(4, refused.size(), all::toString);
      for (String r : refused) {
        assertTrue(r.contains("ALREADY_RUNNING") || r.contains("another packet is being written"), r);
        assertTrue(r.endsWith(": " + packet), "names the packet being written: " + r);
      }
      assertComplete(new PacketZip(written.get(0)));
      assertTrue(target.isAlive());
      await().atMost(PATIENCE).untilAsserted(() -> Leftovers.assertNone(jdk, target, out));
    } finally {
      pool.shutdownNow();
    }
  }

  @ParameterizedTest
  @EnumSource(Jdk.class)
  void signalStormWithinTheRateLimitGivesOnePacket(Jdk jdk, @TempDir Path dir) throws Exception {
    Path out = Files.createDirectory(dir.resolve("packets"));
    try (TargetJvm target = startWithAgent(jdk, dir, "output=" + out + ",duration=1");
        JMXConnector jmx = connect(target)) {
      for (int i = 0; i < 20; i++) {
        kill("URG", target);
        Thread.sleep(20);
      }
      await().atMost(PATIENCE).until(() -> agentLines(target), l -> !l.isEmpty());
      Thread.sleep(2000); // a second packet, had one been started, would have shown by now
      List<Path> written = packets(out);
      assertEquals(1, written.size(), written::toString);
      List<String> lines = agentLines(target);
      assertEquals(1, lines.size(), "the limiter, not 'already running', refused the others: " + lines);
      long ignored = (Long) jmx.getMBeanServerConnection().getAttribute(new ObjectName(MBEAN), "IgnoredSignals");
      assertTrue(ignored >= 1, "signals of one kind may merge in the kernel, but not all 20: " + ignored);
      assertTrue(target.isAlive());
    }
  }

  @ParameterizedTest
  @EnumSource(Jdk.class)
  void attachCliReachesTheRunningAgentThroughItsAgentmain(Jdk jdk, @TempDir Path dir) throws Exception {
    Path out = Files.createDirectory(dir.resolve("packets"));
    try (TargetJvm target = startWithAgent(jdk, dir, "output=" + out)) {
      Cli.Result r = Cli.run(Long.toString(target.pid()), "--duration", "1", "--output", dir.toString());
      assertEquals(0, r.exit, r::toString);
      assertEquals(dir, r.packet().getParent(), "the CLI's --output wins over the agent's");
      assertComplete(new PacketZip(r.packet()));
      assertTrue(r.err.contains("asking the running agent"), r::toString);
      assertEquals("2", systemProperty(jdk, target, "dev.supportpacket.agent.loads"), "premain, then agentmain");
      assertTrue(target.isAlive());
      Leftovers.assertNone(jdk, target, dir);
    }
  }

  @ParameterizedTest
  @EnumSource(Jdk.class)
  void agentLoadedByAttachIsReachedTheSameWayTheSecondTimeAndRegistersNoMBean(Jdk jdk, @TempDir Path dir)
      throws Exception {
    try (TargetJvm target = TargetJvm.start(jdk, CpuBurnerApp.class, dir)) {
      Cli.Result first = Cli.run(Long.toString(target.pid()), "--duration", "1");
      assertEquals(0, first.exit, first::toString);
      Cli.Result second = Cli.run(Long.toString(target.pid()), "--duration", "1");
      assertEquals(0, second.exit, second::toString);
      assertTrue(second.err.contains("asking the running agent"), second::toString);
      assertEquals("attach", new PacketZip(second.packet()).yaml("metadata.yaml").get("trigger"));
      assertEquals("2", systemProperty(jdk, target, "dev.supportpacket.agent.loads"));
      // A JMX trigger is the startup agent's, chosen by the operator; an attach leaves none behind (and an MBean
      // would keep the packet code in the heap for good, issue 12).
      assertEquals("(not set)", systemProperty(jdk, target, "dev.supportpacket.agent.version"));
      Leftovers.assertNone(jdk, target, dir);
    }
  }

  @Test
  void badAgentOptionLeavesTheApplicationRunningAndSaysSoInOneLine(@TempDir Path dir) throws Exception {
    for (Jdk jdk : Jdk.values()) {
      try (TargetJvm target = startWithAgent(jdk, dir, "outptu=/tmp")) {
        assertTrue(target.isAlive());
        // The agent reads its options on its own thread, while the application starts.
        List<String> lines = await().atMost(PATIENCE).until(() -> agentLines(target), l -> !l.isEmpty());
        assertEquals(1, lines.size(), lines::toString);
        assertTrue(lines.get(0).contains("outptu") && lines.get(0).contains("triggers are off"), lines.get(0));
        kill("URG", target);
        Thread.sleep(1000);
        assertTrue(target.isAlive(), "a URG signal without a handler harms nothing");
        assertEquals(1, agentLines(target).size());
      }
    }
  }

  private static TargetJvm startWithAgent(Jdk jdk, Path dir, String agentOptions) throws Exception {
    Path agent = Paths.get(System.getProperty("agentJar")).toAbsolutePath().normalize();
    return TargetJvm.start(jdk, CpuBurnerApp.class, dir, List.of("-javaagent:" + agent + "=" + agentOptions),
        Map.of(), List.of());
  }

  /** A JMX client as jconsole would connect locally, once the agent has registered its MBean. */
  private static JMXConnector connect(TargetJvm target) throws Exception {
    VirtualMachine vm = VirtualMachine.attach(Long.toString(target.pid()));
    String address;
    try {
      address = vm.startLocalManagementAgent();
    } finally {
      vm.detach();
    }
    JMXConnector c = JMXConnectorFactory.connect(new JMXServiceURL(address));
    ObjectName name = new ObjectName(MBEAN);
    await().atMost(PATIENCE).until(() -> c.getMBeanServerConnection().isRegistered(name));
    return c;
  }

  private static void kill(String signal, TargetJvm target) throws Exception {
    Process p = new ProcessBuilder("kill", "-" + signal, Long.toString(target.pid())).inheritIO().start();
    assertTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0, "kill -" + signal);
  }

  private static List<Path> packets(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().matches("support-packet-.*\\.zip")).sorted()
          .collect(Collectors.toList());
    }
  }

  /** What the agent printed on the application's stderr. */
  private static List<String> agentLines(TargetJvm target) {
    return target.output().stream().filter(l -> l.startsWith("support-packet:")).collect(Collectors.toList());
  }

  private static String systemProperty(Jdk jdk, TargetJvm target, String key) throws Exception {
    return Leftovers.jcmd(jdk, target, "VM.system_properties").lines().filter(l -> l.startsWith(key + "="))
        .map(l -> l.substring(key.length() + 1)).findFirst().orElse("(not set)");
  }

  private static void assertComplete(PacketZip zip) {
    String report = zip.text("report.txt");
    List<String> lines = report.lines().collect(Collectors.toList());
    assertTrue(lines.get(lines.size() - 1).startsWith("packet: complete"), report);
    assertFalse(zip.has("warning.txt"), report);
  }
}
