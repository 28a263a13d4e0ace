package dev.supportpacket.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.supportpacket.it.apps.CpuBurnerApp;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;

/**
 * The kubectl plugin's whole flow, with a kubectl on the PATH that performs each step locally: pods are JVMs in
 * namespaces of their own, the debug container enters a pod's pid namespace with its own file system. Select by
 * deployment, debug container, attach, copy out, logs, namespace objects, sanitize, one cluster bundle.
 */
class KubectlPluginIT {
  private static final String SECRET = "kube-secret-93b1e7d2c4";

  @Test
  void deploymentOfTwoPodsBecomesOneSanitizedClusterBundle() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "the fake pods need namespaces, made as root");
    Path base = Paths.get(System.getProperty("workDir", "target/it-work")).toAbsolutePath();
    Files.createDirectories(base);
    Path work = Files.createTempDirectory(base, "kube-");
    Path kube = Files.createDirectories(work.resolve("cluster"));
    Path out = Files.createDirectories(work.resolve("out"));
    Path bin = Files.createDirectories(work.resolve("bin"));
    Path kubectl = bin.resolve("kubectl");
    Files.copy(Paths.get(System.getProperty("appClasses"), "fake-kube", "kubectl"), kubectl);
    Files.setPosixFilePermissions(kubectl, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.writeString(kube.resolve("configmaps.yaml"), "- kind: ConfigMap\n  metadata: {name: shop-config}\n"
        + "  data:\n    application.properties: |\n      db.password=" + SECRET + "\n");
    Files.createDirectories(kube.resolve("deployments"));
    Files.writeString(kube.resolve("deployments/shop"), "app=shop,");
    List<NamespacedJvm> pods = new ArrayList<>();
    try {
      for (String name : List.of("shop-1", "shop-2")) {
        Path cwd = Files.createDirectories(work.resolve(name));
        NamespacedJvm pod = NamespacedJvm.start(CpuBurnerApp.class, cwd, null, List.of("-Dit.db.password=" + SECRET));
        pods.add(pod);
        Path dir = Files.createDirectories(kube.resolve("pods").resolve(name));
        Files.writeString(dir.resolve("pid"), Long.toString(pod.pid()));
        Files.writeString(dir.resolve("labels"), "app=shop\npod-template-hash=abc\n");
        Files.writeString(dir.resolve("container"), "app");
        Files.writeString(dir.resolve("log"), "started\nconnecting with password=" + SECRET + "\n");
      }
      Path plugin = Paths.get(System.getProperty("kubectlPlugin",
          "../attach-cli/target/release/kubectl-support_packet")).toAbsolutePath().normalize();
      ProcessBuilder pb = new ProcessBuilder(plugin.toString(), "-n", "shop", "deployment/shop", "-o", out.toString(),
          "--parallel", "2", "--attach-jar", Cli.attachJar().toString(), "--", "--duration", "1");
      Map<String, String> env = pb.environment();
      env.put("PATH", bin + ":" + Jdk.JDK17.home().resolve("bin") + ":" + env.get("PATH"));
      env.put("FAKE_KUBE", kube.toString());
      Path log = work.resolve("plugin.log");
      Process p = pb.redirectErrorStream(false).redirectError(log.toFile()).start();
      String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      assertTrue(p.waitFor(300, TimeUnit.SECONDS), "plugin did not finish");
      String err = Files.readString(log);
      assertEquals(0, p.exitValue(), stdout + "\n" + err);

      Map<String, byte[]> bundle = unzip(Files.readAllBytes(Paths.get(stdout)));
      String summary = text(bundle, "summary.txt");
      assertTrue(summary.contains("pod shop-1: attach.jar exit 0") && summary.contains("pod shop-2: attach.jar exit 0"),
          summary + "\n" + err);
      for (String pod : List.of("shop-1", "shop-2")) {
        assertTrue(text(bundle, "pods/" + pod + "/logs.txt").contains("2026-11-30T06:00:00"), "timestamps");
        String podBundle = bundle.keySet().stream().filter(n -> n.startsWith("pods/" + pod + "/packets/support-bundle-"))
            .findFirst().orElseThrow(() -> new AssertionError("no bundle of " + pod + ": " + bundle.keySet()));
        Map<String, byte[]> inner = unzip(bundle.get(podBundle));
        assertTrue(text(inner, "summary.txt").contains("1 packet(s), 0 failed"), text(inner, "summary.txt"));
        String packetName = inner.keySet().stream().filter(n -> n.startsWith("1-CpuBurnerApp/")).findFirst()
            .orElseThrow(() -> new AssertionError(inner.keySet().toString()));
        assertNoSecret(unzip(inner.get(packetName)));
      }
      assertTrue(text(bundle, "namespaces/shop/objects.yaml").contains("shop-config"));
      assertTrue(text(bundle, "namespaces/shop/events.txt").contains("Started"));
      assertNoSecret(bundle);
      String calls = Files.readString(kube.resolve("calls.log"));
      assertFalse(calls.contains("secret"), "never asks for secrets:\n" + calls);
      for (String step : List.of("get -n shop deployment/shop", "debug -n shop shop-1", "cp ", "exec -n shop shop-2",
          "logs -n shop shop-1 --all-containers=true --timestamps --previous")) {
        assertTrue(calls.contains(step), step + " missing in\n" + calls);
      }
      pods.forEach(pod -> assertTrue(pod.isAlive()));
    } finally {
      pods.forEach(NamespacedJvm::close);
    }
  }

  private static void assertNoSecret(Map<String, byte[]> zip) {
    for (Map.Entry<String, byte[]> e : zip.entrySet()) {
      assertFalse(new String(e.getValue(), StandardCharsets.ISO_8859_1).contains(SECRET), "secret in " + e.getKey());
    }
  }

  private static String text(Map<String, byte[]> zip, String name) {
    byte[] b = zip.get(name);
    if (b == null) {
      throw new AssertionError(name + " missing; entries: " + zip.keySet());
    }
    return new String(b, StandardCharsets.UTF_8);
  }

  private static Map<String, byte[]> unzip(byte[] zip) throws Exception {
    Map<String, byte[]> m = new java.util.LinkedHashMap<>();
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
      for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        m.put(e.getName(), in.readAllBytes());
      }
    }
    return m;
  }
}
