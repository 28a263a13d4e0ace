package dev.supportpacket.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.supportpacket.it.apps.CpuBurnerApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each mistake a user can make gives its documented exit code and a message naming the fix, and harms nothing. */
class RefusalIT {

  @Test
  void pidOfNoProcessIsRefused() throws Exception {
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor(10, TimeUnit.SECONDS);
    Cli.Result r = Cli.run(Long.toString(gone.pid()));
    assertEquals(3, r.exit, r::toString);
    assertTrue(r.err.contains("no process with pid " + gone.pid()), r::toString);
  }

  @Test
  void processThatIsNotAJvmIsRefusedAndKeepsRunning() throws Exception {
    Process sleep = new ProcessBuilder("sleep", "300").start();
    try {
      Cli.Result r = Cli.run(Long.toString(sleep.pid()));
      assertEquals(4, r.exit, r::toString);
      assertTrue(r.err.contains("not a Java virtual machine"), r::toString);
      // SIGQUIT would have killed it: give a stray signal time to land.
      assertTrue(!sleep.waitFor(2, TimeUnit.SECONDS) && sleep.isAlive(), "sleep was harmed");
    } finally {
      sleep.destroyForcibly();
    }
  }

  @Test
  void jvmWithAttachDisabledIsRefused(@TempDir Path dir) throws Exception {
    try (TargetJvm target = TargetJvm.start(Jdk.JDK17, CpuBurnerApp.class, dir,
        List.of("-XX:+DisableAttachMechanism"), Map.of(), List.of())) {
      Cli.Result r = Cli.run(Long.toString(target.pid()));
      assertEquals(6, r.exit, r::toString);
      assertTrue(r.err.contains("-javaagent"), "names the fix: " + r);
      assertTrue(target.isAlive());
    }
  }

  @Test
  void jvmOfAnotherUserIsRefusedToAUserOtherThanRoot(@TempDir Path dir) throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "needs root to run the CLI as another user");
    try (TargetJvm target = TargetJvm.start(Jdk.JDK17, CpuBurnerApp.class, dir)) {
      // nobody may run attach.jar (its directory is world-readable) but not attach to root's JVM.
      Process p = new ProcessBuilder("runuser", "-u", "nobody", "--", Jdk.JDK17.tool("java").toString(), "-jar",
          Cli.attachJar().toString(), Long.toString(target.pid())).directory(Paths.get("/").toFile())
          .redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      assertTrue(p.waitFor(120, TimeUnit.SECONDS));
      assertEquals(5, p.exitValue(), out);
      assertTrue(out.contains("sudo -u root"), out);
      assertTrue(target.isAlive());
    }
  }

  @Test
  void missingOutputDirectoryIsCreatedPrivate(@TempDir Path dir) throws Exception {
    Path missing = dir.resolve("missing").resolve("packets");
    try (TargetJvm target = TargetJvm.start(Jdk.JDK17, CpuBurnerApp.class, dir)) {
      Cli.Result r = Cli.run(Long.toString(target.pid()), "--duration", "1", "--output", missing.toString());
      assertEquals(0, r.exit, r::toString);
      assertEquals(missing, r.packet().getParent());
      assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(missing)));
      assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(missing.getParent())));
    }
  }

  @Test
  void outputDirectoryThatCannotBeCreatedIsRefusedBeforeAttaching(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("a-file"), "x");
    try (TargetJvm target = TargetJvm.start(Jdk.JDK17, CpuBurnerApp.class, dir)) {
      Cli.Result r = Cli.run(Long.toString(target.pid()), "--output", file.resolve("packets").toString());
      assertEquals(7, r.exit, r::toString);
      assertTrue(r.err.contains("cannot be created"), r::toString);
      assertTrue(!Leftovers.jcmd(Jdk.JDK17, target, "Thread.print").contains("support-packet"), "agent not loaded");
    }
  }

  @Test
  void targetWhoseWorkingDirectoryWasDeletedIsRefusedAndStillOpensJars(@TempDir Path dir) throws Exception {
    Path cwd = Files.createDirectory(dir.resolve("cwd"));
    try (TargetJvm target = TargetJvm.start(Jdk.JDK17, CpuBurnerApp.class, cwd)) {
      Files.delete(cwd);
      Cli.Result r = Cli.run(Long.toString(target.pid()), "--duration", "1", "--output", dir.toString());
      assertEquals(7, r.exit, r::toString);
      assertTrue(r.err.contains("working directory of pid " + target.pid() + " was deleted"), r::toString);
      // An attach would have broken ZipFile in this JVM for good; jcmd runs fine only if nothing was loaded.
      assertTrue(!Leftovers.jcmd(Jdk.JDK17, target, "Thread.print").contains("support-packet"), "agent not loaded");
      assertTrue(target.isAlive());
    }
  }

  @Test
  void targetThatDiesDuringCollectionIsReported(@TempDir Path dir) throws Exception {
    try (TargetJvm target = TargetJvm.start(Jdk.JDK17, CpuBurnerApp.class, dir)) {
      Thread killer = new Thread(() -> {
        try {
          // Kill it only once the agent is at work in it, however slow the machine is.
          org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(90))
              .until(() -> Leftovers.jcmd(Jdk.JDK17, target, "Thread.print").contains("\"support-packet-cpu-profile\""));
        } catch (RuntimeException e) {
          return;
        }
        target.close();
      });
      killer.start();
      Cli.Result r = Cli.run(Long.toString(target.pid()), "--duration", "20");
      killer.join();
      assertEquals(8, r.exit, r::toString);
      assertTrue(r.err.contains("exited"), r::toString);
    }
  }

  @Test
  void packetSlowerThanTheTimeoutIsReportedAndStillWritten(@TempDir Path dir) throws Exception {
    try (TargetJvm target = TargetJvm.start(Jdk.JDK17, CpuBurnerApp.class, dir)) {
      Cli.Result r = Cli.run(Long.toString(target.pid()), "--duration", "4", "--timeout", "1");
      assertEquals(9, r.exit, r::toString);
      assertTrue(r.err.contains("--timeout"), r::toString);
      // The agent goes on in the target: the packet still appears.
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).until(() -> {
        try (var files = Files.list(dir)) {
          return files.anyMatch(f -> f.getFileName().toString().matches("support-packet-.*\\.zip"));
        }
      });
    }
  }

  @Test
  void usageErrors() throws Exception {
    assertEquals(2, Cli.run().exit);
    assertEquals(2, Cli.run("not-a-pid").exit);
    assertEquals(2, Cli.run("1", "--duration", "0").exit);
    assertEquals(2, Cli.run("--no-such-option").exit);
    Cli.Result help = Cli.run("--help");
    assertEquals(0, help.exit);
    for (String s : List.of("--output", "--duration", "--histogram", "--timeout", "list", "demo", "Exit codes")) {
      assertTrue(help.out.contains(s), "help explains " + s + ":\n" + help.out);
    }
  }
}
