package dev.supportpacket.agent.collect.jvm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The memory and CPU limits of the process's own cgroup and how much it was throttled, from cgroup v2 or v1. The
 * cgroup is found in {@code /proc/self/cgroup}; inside a container's namespace that path is {@code /}, so the
 * mount root is tried too. A limit that is absent ({@code max}, {@code -1}, or v1's near-2^63 "unlimited") is null.
 */
final class CgroupFiles {
  /** cgroup v1 writes "no limit" as a page-aligned number just under 2^63; anything from 2^62 up means none. */
  private static final long UNLIMITED = 1L << 62;

  private final Path root;

  CgroupFiles(Path root) {
    this.root = root;
  }

  static CgroupFiles ofThisProcess() {
    return new CgroupFiles(Paths.get("/sys/fs/cgroup"));
  }

  /** The readings, or null when the process is in no cgroup with a limit or a CPU controller we can read. */
  Map<String, Object> read() {
    Map<String, Object> m = new LinkedHashMap<>();
    if (Files.exists(root.resolve("cgroup.controllers"))) {
      Path dir = ownDir(root, "");
      m.put("memory_limit", limit(first(dir.resolve("memory.max"))));
      m.put("memory_usage", limit(first(dir.resolve("memory.current"))));
      String[] cpuMax = split(first(dir.resolve("cpu.max")));
      m.put("cpu_quota_us", cpuMax.length > 0 ? limit(cpuMax[0]) : null);
      m.put("cpu_period_us", cpuMax.length > 1 ? limit(cpuMax[1]) : null);
      Map<String, Long> stat = stat(dir.resolve("cpu.stat"));
      m.put("nr_throttled", stat.get("nr_throttled"));
      m.put("throttled_us", stat.get("throttled_usec"));
    } else if (Files.isDirectory(root.resolve("memory")) || Files.isDirectory(root.resolve("cpu"))) {
      Path mem = ownDir(root.resolve("memory"), "memory");
      Path cpu = ownDir(root.resolve("cpu"), "cpu");
      m.put("memory_limit", limit(first(mem.resolve("memory.limit_in_bytes"))));
      m.put("memory_usage", limit(first(mem.resolve("memory.usage_in_bytes"))));
      m.put("cpu_quota_us", limit(first(cpu.resolve("cpu.cfs_quota_us"))));
      m.put("cpu_period_us", limit(first(cpu.resolve("cpu.cfs_period_us"))));
      Map<String, Long> stat = stat(cpu.resolve("cpu.stat"));
      m.put("nr_throttled", stat.get("nr_throttled"));
      Long ns = stat.get("throttled_time");
      m.put("throttled_us", ns == null ? null : ns / 1000);
    }
    boolean any = false;
    for (Object v : m.values()) {
      any |= v != null;
    }
    return any ? m : null;
  }

  /**
   * The process's own directory of one hierarchy ({@code ""} for v2, the controller's name for v1), when it exists
   * under the mount; otherwise the mount itself, which is the process's own inside a container namespace.
   */
  private static Path ownDir(Path mount, String controller) {
    try {
      List<String> lines = Files.readAllLines(Paths.get("/proc/self/cgroup"), StandardCharsets.UTF_8);
      for (String line : lines) {
        String[] parts = line.split(":", 3);
        if (parts.length == 3 && (controller.isEmpty() ? parts[1].isEmpty()
            : List.of(parts[1].split(",")).contains(controller))) {
          Path own = mount.resolve(parts[2].replaceFirst("^/+", "")).normalize();
          if (own.startsWith(mount) && Files.isDirectory(own)) {
            return own;
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or no cgroup file: the mount root is all we can read
    }
    return mount;
  }

  private static String first(Path file) {
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      return lines.isEmpty() ? null : lines.get(0).trim();
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static String[] split(String s) {
    return s == null ? new String[0] : s.trim().split("\\s+");
  }

  private static Long limit(String s) {
    if (s == null) {
      return null;
    }
    try {
      long v = Long.parseLong(s.trim());
      return v < 0 || v >= UNLIMITED ? null : v;
    } catch (NumberFormatException e) {
      return null; // "max"
    }
  }

  private static Map<String, Long> stat(Path file) {
    Map<String, Long> m = new LinkedHashMap<>();
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        String[] kv = split(line);
        if (kv.length == 2) {
          try {
            m.put(kv[0], Long.parseLong(kv[1]));
          } catch (NumberFormatException e) {
            // not a counter
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // no CPU controller here
    }
    return m;
  }
}
