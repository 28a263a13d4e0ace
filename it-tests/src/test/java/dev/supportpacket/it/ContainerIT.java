package dev.supportpacket.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.supportpacket.it.apps.CpuBurnerApp;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * JVMs where they really run: in another pid and mount namespace with a private /tmp (a container), reached from the
 * host and from a debug container, and of another user, reached by root. Needs root (unshare, useradd), as the
 * test machines are.
 */
class ContainerIT {
  static final String SECRET = "ns-secret-7f3a9c1e55";
  static final String TEST_USER = "sp-it-user";

  private Path work;

  @BeforeEach
  void needsRoot() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "namespaces and other users need root");
    Path base = Paths.get(System.getProperty("workDir", "target/it-work")).toAbsolutePath();
    Files.createDirectories(base);
    work = Files.createTempDirectory(base, "container-");
    // The target may run as another user: it must be able to enter its working directory.
    Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  @Test
  void jvmInAnotherPidAndMountNamespaceIsAttachedFromTheHost() throws Exception {
    Path out = Files.createDirectory(work.resolve("out"));
    try (NamespacedJvm target = NamespacedJvm.start(CpuBurnerApp.class, work, null,
        List.of("-Dit.db.password=" + SECRET))) {
      assertFalse(Files.isSameFile(Paths.get("/tmp"), Paths.get("/proc/" + target.pid() + "/root/tmp")),
          "the target's /tmp must be its own");

      Cli.Result beside = Cli.run(Long.toString(target.pid()), "--duration", "1");
      assertEquals(0, beside.exit, beside::toString);
      Path printed = Paths.get(beside.out.trim());
      assertTrue(printed.startsWith("/proc/" + target.pid() + "/root/"), "a path the host can open: " + beside);
      assertTrue(Files.isRegularFile(printed), beside::toString);
      assertTrue(Files.isRegularFile(work.resolve(printed.getFileName())), "written beside the process: " + beside);

      Cli.Result copied = Cli.run(Long.toString(target.pid()), "--duration", "1", "--output", out.toString());
      assertEquals(0, copied.exit, copied::toString);
      Path packet = copied.packet();
      assertEquals(out, packet.getParent(), copied::toString);
      assertSanitizedPacketOf(packet, 1);
      try (Stream<Path> staging = Files.list(Paths.get("/proc/" + target.pid() + "/root/tmp/support-packet-root"))) {
        List<String> left = staging.map(p -> p.getFileName().toString()).collect(Collectors.toList());
        assertEquals(1, left.size(), "only the agent jar stays in the target's /tmp: " + left);
        assertTrue(left.get(0).matches("agent-[0-9a-f]{8}-\\d+-0\\.jar"), left::toString);
      }
      assertTrue(target.isAlive());
    }
  }

  @Test
  void cliInTheTargetsPidNamespaceWithItsOwnFileSystemAttachesLikeADebugContainer() throws Exception {
    Path out = Files.createDirectory(work.resolve("out"));
    try (NamespacedJvm target = NamespacedJvm.start(CpuBurnerApp.class, work, null,
        List.of("-Dit.db.password=" + SECRET))) {
      // kubectl debug --target: the target's pid namespace, a file system of its own (here: a private /tmp too).
      String cli = "mount -t tmpfs tmpfs /tmp && exec " + Jdk.JDK17.tool("java") + " -jar " + Cli.attachJar()
          + " 1 --duration 1 --output " + out;
      Cli.Result r = exec(List.of("nsenter", "--target", Long.toString(target.pid()), "--pid", "--", "unshare",
          "--mount", "--mount-proc", "--fork", "sh", "-c", cli));
      assertEquals(0, r.exit, r::toString);
      assertSanitizedPacketOf(r.packet(), 1);
      assertTrue(target.isAlive());
    }
  }

  @Test
  void jvmOfAnotherUserIsAttachedByRootActingAsThatUser() throws Exception {
    long uid = testUser();
    Path cwd = Files.createDirectory(work.resolve("home"));
    exec(List.of("chown", TEST_USER + ":" + TEST_USER, cwd.toString()));
    try (NamespacedJvm target = NamespacedJvm.start(CpuBurnerApp.class, cwd, TEST_USER,
        List.of("-Dit.db.password=" + SECRET))) {
      Cli.Result r = Cli.run(Long.toString(target.pid()), "--duration", "1");
      assertEquals(0, r.exit, r::toString);
      Path packet = r.packet();
      assertEquals(TEST_USER, Files.getOwner(packet).getName(), "the JVM wrote it as itself");
      assertSanitizedPacketOf(packet, 1);
      Path dir = Paths.get("/proc/" + target.pid() + "/root/tmp/support-packet-root");
      assertEquals("rwx--x--x", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
      try (Stream<Path> jars = Files.list(dir)) {
        Path jar = jars.findFirst().orElseThrow();
        assertTrue(jar.getFileName().toString().endsWith("-" + uid + ".jar"), jar::toString);
        assertEquals(uid, ((Number) Files.getAttribute(jar, "unix:uid")).longValue(), "the agent jar is the target's");
        assertEquals("r--------", PosixFilePermissions.toString(Files.getPosixFilePermissions(jar)));
      }
    }
  }

  @Test
  void threeJvmsWithOneRefusingAttachMakeABundleOfTwoPacketsAndOneClearFailure() throws Exception {
    String marker = "it.bundle=" + Long.toHexString(System.nanoTime());
    // The refusing one hides its flag in an @argfile: the CLI must read it, not signal the JVM.
    Path argfile = work.resolve("jvm.args");
    Files.writeString(argfile, "-XX:+DisableAttachMechanism\n");
    Path out = Files.createDirectory(work.resolve("out"));
    List<TargetJvm> targets = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        List<String> args = new ArrayList<>(List.of("-D" + marker, "-Dit.db.password=" + SECRET));
        if (i == 2) {
          args.add("@" + argfile);
        }
        targets.add(TargetJvm.start(Jdk.JDK17, CpuBurnerApp.class, Files.createDirectory(work.resolve("t" + i)), args,
            Map.of(), List.of()));
      }
      Cli.Result r = Cli.run("--match", marker.replace(".", "\\."), "--duration", "1", "--output", out.toString());
      assertEquals(1, r.exit, "some packets missing: " + r);
      PacketZip bundle = new PacketZip(r.packet());
      String summary = bundle.text("summary.txt");
      assertTrue(summary.contains("2 packet(s), 1 failed"), summary);
      String refused = Long.toString(targets.get(2).pid());
      assertTrue(summary.contains("pid " + refused) && summary.contains("DisableAttachMechanism"), summary);
      for (int i = 0; i < 2; i++) {
        String prefix = targets.get(i).pid() + "-CpuBurnerApp/support-packet-CpuBurnerApp-";
        assertTrue(bundle.entries().keySet().stream().anyMatch(n -> n.startsWith(prefix)), bundle.entries()::toString);
      }
      for (byte[] b : bundle.entries().values()) {
        assertFalse(new String(b, StandardCharsets.ISO_8859_1).contains(SECRET), "secret in the bundle");
      }
      assertTrue(r.err.contains("pid " + refused + ": FAILED"), "progress per target: " + r);
      assertFalse(targets.get(2).output().stream().anyMatch(l -> l.contains("Full thread dump")), "signalled");
      try (Stream<Path> left = Files.list(out)) {
        assertEquals(1, left.count(), "only the bundle stays");
      }
    } finally {
      targets.forEach(TargetJvm::close);
    }
  }

  /** The packet is complete, comes from the JVM that sees itself as {@code nsPid}, and holds no planted secret. */
  static void assertSanitizedPacketOf(Path packet, long nsPid) throws Exception {
    PacketZip zip = new PacketZip(packet);
    assertEquals(nsPid, ((Number) zip.yaml("metadata.yaml").get("pid")).longValue());
    assertTrue(zip.text("threads/threads.txt").contains("\"it-sleeper\""), "threads of the target");
    for (Map.Entry<String, byte[]> e : zip.entries().entrySet()) {
      assertFalse(new String(e.getValue(), StandardCharsets.ISO_8859_1).contains(SECRET), "secret in " + e.getKey());
    }
  }

  static long testUser() throws Exception {
    if (exec(List.of("id", "-u", TEST_USER)).exit != 0) {
      exec(List.of("useradd", "--system", "--no-create-home", TEST_USER));
    }
    return Long.parseLong(exec(List.of("id", "-u", TEST_USER)).out.trim());
  }

  static Cli.Result exec(List<String> cmd) throws Exception {
    Path o = Files.createTempFile("it-exec-out", ".txt");
    Path e = Files.createTempFile("it-exec-err", ".txt");
    try {
      Process p = new ProcessBuilder(cmd).redirectOutput(o.toFile()).redirectError(e.toFile()).start();
      if (!p.waitFor(180, TimeUnit.SECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        throw new AssertionError(cmd + " did not finish in 180 s");
      }
      return new Cli.Result(p.exitValue(), Files.readString(o), Files.readString(e));
    } finally {
      Files.deleteIfExists(o);
      Files.deleteIfExists(e);
    }
  }
}
