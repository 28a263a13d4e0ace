package dev.supportpacket.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.supportpacket.it.apps.CpuBurnerApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the CLI knows of a target before it sends anything: stopped, exited, guarded by the kernel, its own jar. */
class TargetProcessIT {

  @Test
  void stoppedJvmIsRecognisedAndPrintsNothingWhenItResumes(@TempDir Path dir) throws Exception {
    try (TargetJvm target = TargetJvm.start(Jdk.JDK17, CpuBurnerApp.class, dir)) {
      signal("STOP", target.pid());
      Cli.Result r;
      try {
        r = Cli.run(Long.toString(target.pid()), "--duration", "1");
      } finally {
        signal("CONT", target.pid());
      }
      assertEquals(6, r.exit, r::toString);
      assertTrue(r.err.contains("is stopped") && r.err.contains("kill -CONT " + target.pid()), r::toString);
      assertTrue(r.err.contains("nothing was sent"), "says what the JVM does when it resumes: " + r);
      // A SIGQUIT left pending would print a thread dump as soon as it runs again.
      Thread.sleep(2000);
      assertFalse(target.output().stream().anyMatch(l -> l.contains("Full thread dump")), target.output()::toString);
      assertTrue(target.isAlive());
    }
  }

  @Test
  void zombieJvmHasExited() throws Exception {
    // sh starts java in the background and becomes sleep, which never collects it: java stays a zombie.
    Process parent = new ProcessBuilder("sh", "-c", Jdk.JDK17.tool("java") + " -version 2>/dev/null & exec sleep 60")
        .start();
    try {
      ProcessHandle zombie = awaitZombieChild(parent);
      Cli.Result r = Cli.run(Long.toString(zombie.pid()));
      assertEquals(3, r.exit, r::toString);
      assertTrue(r.err.contains("has exited"), r::toString);
    } finally {
      parent.destroyForcibly();
    }
  }

  @Test
  void pidOneAsRootGetsTheRealReason() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "the case of a root CLI");
    Cli.Result r = Cli.run("1", "--duration", "1");
    assertTrue(r.exit == 4 || r.exit == 6, r::toString);
    assertFalse(r.err.contains("run as"), "root owns pid 1: " + r);
  }

  @Test
  void oneAgentJarPerVersionAndStaleCopiesGoUnlessSomeoneHoldsOrJustPlacedThem(@TempDir Path dir) throws Exception {
    // A temporary directory of the test's own: other CLIs on the machine put their versions in the shared one.
    Path tmp = Files.createDirectory(dir.resolve("tmp"));
    Path jars = Files.createDirectory(tmp.resolve("support-packet-" + System.getProperty("user.name")));
    Files.setPosixFilePermissions(jars, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    Path stale = Files.write(jars.resolve("agent-0badc0de-42.jar"), new byte[42]);
    Files.setLastModifiedTime(stale, FileTime.fromMillis(System.currentTimeMillis() - 3_600_000));
    // Another version's CLI placed this one a moment ago; its target has not opened it yet.
    Path fresh = Files.write(jars.resolve("agent-0badf00d-44.jar"), new byte[44]);
    Path held = Files.write(jars.resolve("agent-0badbeef-43.jar"), new byte[43]);
    Files.setLastModifiedTime(held, FileTime.fromMillis(System.currentTimeMillis() - 3_600_000));
    Process holder = new ProcessBuilder("sh", "-c", "exec 3<'" + held + "'; exec sleep 120").start();
    List<String> before = agentJars(jars);
    try {
      Thread.sleep(300);
      for (int i = 0; i < 2; i++) {
        try (TargetJvm target = TargetJvm.start(Jdk.JDK17, CpuBurnerApp.class, dir)) {
          Cli.Result r = ContainerIT.exec(List.of(Jdk.JDK17.tool("java").toString(), "-Djava.io.tmpdir=" + tmp, "-jar",
              Cli.attachJar().toString(), Long.toString(target.pid()), "--duration", "1", "--output", dir.toString()));
          assertEquals(0, r.exit, r::toString);
        }
      }
      List<String> names = agentJars(jars);
      assertFalse(names.contains(stale.getFileName().toString()), "stale copy removed: " + names);
      assertTrue(names.contains(held.getFileName().toString()), "a copy in use stays: " + names);
      assertTrue(names.contains(fresh.getFileName().toString()), "a copy placed minutes ago stays: " + names);
      names.removeAll(before);
      assertEquals(1, names.size(), "one copy of this version after two attaches: " + names);
    } finally {
      holder.destroyForcibly();
      Files.deleteIfExists(held);
    }
  }

  private static List<String> agentJars(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.matches("agent-.*\\.jar"))
          .collect(Collectors.toCollection(java.util.ArrayList::new));
    }
  }

  private static ProcessHandle awaitZombieChild(Process parent) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      for (ProcessHandle c : parent.children().collect(Collectors.toList())) {
        String stat = Files.readString(Paths.get("/proc/" + c.pid() + "/stat"));
        if (stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z")) {
          return c;
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("java -version did not become a zombie");
  }

  private static void signal(String name, long pid) throws Exception {
    assertEquals(0, new ProcessBuilder("kill", "-" + name, Long.toString(pid)).start().waitFor());
  }
}
