package dev.supportpacket.agent.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContainerIdentityTest {
  private static final String ID = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  private static final String POD = "6f1d2c3b-4a59-4e8f-9a0b-1c2d3e4f5a6b";

  @Test
  void dockerContainerFromCgroupV1() {
    ContainerIdentity c = ContainerIdentity.of("12:memory:/docker/" + ID + "\n", Paths.get("/nonexistent"));
    assertEquals(Optional.of("docker"), c.runtime());
    assertEquals(Optional.of(ID), c.id());
    assertEquals("docker 0123456789ab", c.describe());
  }

  @Test
  void containerdPodFromSystemdCgroupV2ReadsNameAndNamespaceInsideTheRoot(@TempDir Path root) throws Exception {
    Files.createDirectories(root.resolve("etc"));
    Files.writeString(root.resolve("etc/hostname"), "shop-7c9f-abcde\n");
    // As Kubernetes mounts it: /var/run -> /run (absolute), then ..data links (relative).
    Path sa = Files.createDirectories(root.resolve("run/secrets/kubernetes.io/serviceaccount/..2026"));
    Files.writeString(sa.resolve("namespace"), "shop");
    Files.createSymbolicLink(root.resolve("run/secrets/kubernetes.io/serviceaccount/..data"), Paths.get("..2026"));
    Files.createSymbolicLink(root.resolve("run/secrets/kubernetes.io/serviceaccount/namespace"),
        Paths.get("..data/namespace"));
    Files.createDirectories(root.resolve("var"));
    Files.createSymbolicLink(root.resolve("var/run"), Paths.get("/run"));
    String cgroup = "0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + POD.replace('-', '_')
        + ".slice/cri-containerd-" + ID + ".scope\n";
    ContainerIdentity c = ContainerIdentity.of(cgroup, root);
    assertEquals(Optional.of("containerd"), c.runtime());
    assertEquals(Optional.of("shop/shop-7c9f-abcde"), c.pod());
    @SuppressWarnings("unchecked")
    Map<String, Object> pod = (Map<String, Object>) c.toMap().get("pod");
    assertEquals(POD, pod.get("uid"));
  }

  @Test
  void anAbsoluteLinkInTheTargetsRootNeverLeadsOutOfIt(@TempDir Path dir) throws Exception {
    Path root = Files.createDirectories(dir.resolve("root"));
    Path outside = Files.writeString(dir.resolve("host-file"), "host-secret");
    Files.createDirectories(root.resolve("etc"));
    Files.createSymbolicLink(root.resolve("etc/hostname"), outside);
    Files.createSymbolicLink(root.resolve("etc/up"), Paths.get("../../host-file"));
    assertEquals(root.resolve(outside.toString().substring(1)), ContainerIdentity.inRoot(root, "etc/hostname").get());
    assertEquals(root.resolve("host-file"), ContainerIdentity.inRoot(root, "etc/up").get());
    ContainerIdentity c = ContainerIdentity.of("0::/kubepods/pod" + POD + "/" + ID + "\n", root);
    assertFalse(c.pod().orElse("").contains("host-secret"), c.pod()::toString);
  }

  @Test
  void aProcessOutsideAnyContainerHasNoId() {
    ContainerIdentity c = ContainerIdentity.of("0::/user.slice/user-1000.slice/session-2.scope\n", Paths.get("/"));
    assertFalse(c.inContainer());
    assertEquals("-", c.describe());
    assertTrue(c.pod().isEmpty());
  }
}
