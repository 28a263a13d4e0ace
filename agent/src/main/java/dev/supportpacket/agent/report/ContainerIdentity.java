package dev.supportpacket.agent.report;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The container a process runs in, as far as it can be known without any API: runtime and id from the cgroup path
 * (docker, containerd, CRI-O, podman), the Kubernetes pod from it too, the pod's name and namespace from the files
 * Kubernetes puts in every pod (/etc/hostname, the service account's namespace), and the limits from the cgroup.
 * Used by the agent for metadata.yaml (of itself) and by the attach CLI for {@code list} (of any process).
 */
public final class ContainerIdentity {
  // A container id is 64 hex digits in every runtime's cgroup name; the prefix names the runtime.
  private static final Pattern CONTAINER =
      Pattern.compile("(?:^|/)(docker|cri-containerd|crio|libpod|containerd)?[-:]?([0-9a-f]{64})(?:\\.scope)?(?:/|$)");
  private static final Pattern POD = Pattern.compile("kubepods.*?pod([0-9a-f]{8}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_]"
      + "[0-9a-f]{4}[-_][0-9a-f]{12})");
  private static final int MAX_SMALL_FILE = 4096;

  private final String runtime;
  private final String id;
  private final String podUid;
  private final String podName;
  private final String podNamespace;
  private final long memoryLimit;
  private final String cpuLimit;

  private ContainerIdentity(String runtime, String id, String podUid, String podName, String podNamespace,
      long memoryLimit, String cpuLimit) {
    this.runtime = runtime;
    this.id = id;
    this.podUid = podUid;
    this.podName = podName;
    this.podNamespace = podNamespace;
    this.memoryLimit = memoryLimit;
    this.cpuLimit = cpuLimit;
  }

  /** The container of this JVM. */
  public static ContainerIdentity self() {
    return of(read(Paths.get("/proc/self/cgroup")), Paths.get("/"));
  }

  /**
   * @param cgroup the text of /proc/pid/cgroup ("" when unknown)
   * @param root the process's file system as the caller reaches it ("/" for itself, /proc/pid/root for another)
   */
  public static ContainerIdentity of(String cgroup, Path root) {
    String runtime = null;
    String id = null;
    String podUid = null;
    String memoryPath = null;
    String cpuPath = null;
    boolean v2 = false;
    for (String line : cgroup.split("\n")) {
      String[] f = line.split(":", 3);
      if (f.length < 3) {
        continue;
      }
      String path = f[2];
      Matcher c = CONTAINER.matcher(path);
      if (id == null && c.find()) {
        id = c.group(2);
        runtime = runtimeName(c.group(1), path);
      }
      Matcher p = POD.matcher(path);
      if (podUid == null && p.find()) {
        podUid = p.group(1).replace('_', '-');
      }
      if (f[0].equals("0") && f[1].isEmpty()) {
        v2 = true;
        memoryPath = path;
        cpuPath = path;
      } else if (f[1].contains("memory")) {
        memoryPath = "memory" + path;
      } else if (f[1].matches("(.*,)?cpu(,.*)?")) {
        cpuPath = f[1] + path;
      }
    }
    String podName = null;
    String podNamespace = null;
    if (podUid != null) {
      // Kubernetes writes the pod's name as the host name and mounts the namespace with the service account.
      podName = inRoot(root, "etc/hostname").flatMap(ContainerIdentity::small).orElse(null);
      podNamespace = inRoot(root, "var/run/secrets/kubernetes.io/serviceaccount/namespace")
          .flatMap(ContainerIdentity::small).orElse(null);
    }
    Path cgroupFs = Paths.get("/sys/fs/cgroup");
    long memory = v2 ? memoryLimit(cgroupFs, memoryPath, "memory.max") : memoryLimit(cgroupFs, memoryPath,
        "memory.limit_in_bytes");
    String cpu = v2 ? cpuLimitV2(cgroupFs, cpuPath) : cpuLimitV1(cgroupFs, cpuPath);
    return new ContainerIdentity(runtime, id, podUid, podName, podNamespace, memory, cpu);
  }

  private static String runtimeName(String prefix, String path) {
    if (prefix == null) {
      return path.contains("docker") ? "docker" : path.contains("kubepods") ? "containerd" : "unknown";
    }
    switch (prefix) {
      case "cri-containerd":
      case "containerd":
        return "containerd";
      case "crio":
        return "cri-o";
      case "libpod":
        return "podman";
      default:
        return prefix;
    }
  }

  public boolean inContainer() {
    return id != null;
  }

  public Optional<String> runtime() {
    return Optional.ofNullable(runtime);
  }

  public Optional<String> id() {
    return Optional.ofNullable(id);
  }

  /** "namespace/name" when both are known, the name or the uid otherwise; empty outside Kubernetes. */
  public Optional<String> pod() {
    if (podUid == null) {
      return Optional.empty();
    }
    if (podName != null) {
      return Optional.of(podNamespace != null ? podNamespace + "/" + podName : podName);
    }
    return Optional.of("uid " + podUid);
  }

  /** One short line for a listing: "containerd 0123456789ab pod ns/name", or "-" outside a container. */
  public String describe() {
    if (id == null) {
      return "-";
    }
    return runtime + " " + id.substring(0, 12) + pod().map(p -> " pod " + p).orElse("");
  }

  /** The container section of metadata.yaml; only what is known. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    if (id != null) {
      m.put("runtime", runtime);
      m.put("id", id);
    }
    if (podUid != null) {
      Map<String, Object> pod = new LinkedHashMap<>();
      pod.put("uid", podUid);
      if (podName != null) {
        pod.put("name", podName);
      }
      if (podNamespace != null) {
        pod.put("namespace", podNamespace);
      }
      m.put("pod", pod);
    }
    Map<String, Object> limits = new LinkedHashMap<>();
    if (memoryLimit > 0) {
      limits.put("memory_bytes", memoryLimit);
    }
    if (cpuLimit != null) {
      limits.put("cpus", cpuLimit);
    }
    if (!limits.isEmpty()) {
      m.put("limits", limits);
    }
    return m;
  }

  /** The limit in the process's own cgroup, else at the root of the cgroup file system (a cgroup namespace). */
  private static long memoryLimit(Path fs, String path, String file) {
    if (path == null) {
      return -1;
    }
    Optional<String> v = small(fs.resolve(relative(path)).resolve(file));
    if (v.isEmpty()) {
      v = small(fs.resolve(path.startsWith("memory") ? "memory" : "").resolve(file));
    }
    try {
      long bytes = Long.parseLong(v.orElse("max"));
      // cgroup v1 says "no limit" with a huge page-aligned number.
      return bytes >= Long.MAX_VALUE / 2 ? -1 : bytes;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static String cpuLimitV2(Path fs, String path) {
    if (path == null) {
      return null;
    }
    Optional<String> v = small(fs.resolve(relative(path)).resolve("cpu.max")).or(() -> small(fs.resolve("cpu.max")));
    String[] f = v.orElse("max").split("\\s+");
    return f.length == 2 && !f[0].equals("max") ? cores(f[0], f[1]) : null;
  }

  private static String cpuLimitV1(Path fs, String path) {
    if (path == null) {
      return null;
    }
    Path dir = fs.resolve(relative(path));
    if (!Files.isDirectory(dir)) {
      dir = fs.resolve(path.substring(0, path.indexOf('/')));
    }
    String quota = small(dir.resolve("cpu.cfs_quota_us")).orElse("-1");
    return quota.startsWith("-") ? null : cores(quota, small(dir.resolve("cpu.cfs_period_us")).orElse("100000"));
  }

  private static String cores(String quota, String period) {
    try {
      double c = Double.parseDouble(quota) / Double.parseDouble(period);
      return c > 0 ? String.format(java.util.Locale.ROOT, "%.2f", c) : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static String relative(String path) {
    return path.startsWith("/") ? path.substring(1) : path;
  }

  /**
   * {@code relative} resolved inside {@code root} as the process itself would: its symbolic links (Kubernetes mounts
   * the namespace file through two of them, images link /var/run to /run) are followed by hand and kept inside the
   * root. The kernel would resolve an absolute link, or enough "..", met under /proc/pid/root against our own root:
   * a container could then make a root CLI read any file of the host.
   */
  static Optional<Path> inRoot(Path root, String relative) {
    java.util.Deque<String> todo = new java.util.ArrayDeque<>(java.util.List.of(relative.split("/")));
    java.util.List<String> done = new java.util.ArrayList<>();
    for (int links = 0; !todo.isEmpty(); ) {
      String part = todo.pop();
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        if (!done.isEmpty()) {
          done.remove(done.size() - 1);
        }
        continue;
      }
      Path here = root.resolve(String.join("/", done)).resolve(part);
      if (!Files.isSymbolicLink(here)) {
        done.add(part);
        continue;
      }
      if (++links > 16) {
        return Optional.empty();
      }
      try {
        String target = Files.readSymbolicLink(here).toString();
        if (target.startsWith("/")) {
          done.clear();
        }
        java.util.List<String> parts = java.util.List.of(target.split("/"));
        for (int i = parts.size() - 1; i >= 0; i--) {
          todo.push(parts.get(i));
        }
      } catch (IOException | RuntimeException e) {
        return Optional.empty();
      }
    }
    return Optional.of(root.resolve(String.join("/", done)));
  }

  /** A one-line regular file of the kernel or of the pod (a name, a number); never more than a few KB of it. */
  private static Optional<String> small(Path file) {
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    try (InputStream in = Files.newInputStream(file)) {
      String s = new String(in.readNBytes(MAX_SMALL_FILE), StandardCharsets.UTF_8).trim();
      return s.isEmpty() || s.contains("\n") ? Optional.empty() : Optional.of(s);
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static String read(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return new String(in.readNBytes(1 << 16), StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }
}
