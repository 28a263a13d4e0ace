package dev.supportpacket.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Optional;

/**
 * A process's cgroups seen from outside it: those named in its /proc/pid/cgroup, under this process's
 * /sys/fs/cgroup (v2, or v1's controllers). From the host that is the container's own cgroup; from inside another
 * cgroup namespace it may be out of sight, and then there is nothing to tell. Only reads; immutable.
 */
final class TargetCgroup {
  private static final Path MOUNT = Paths.get("/sys/fs/cgroup");
  private static final List<String> MEMORY_V2 =
      List.of("memory.max", "memory.high", "memory.current", "memory.peak", "memory.swap.max", "memory.swap.current",
          "memory.events");
  private static final List<String> MEMORY_V1 =
      List.of("memory.limit_in_bytes", "memory.usage_in_bytes", "memory.max_usage_in_bytes", "memory.failcnt",
          "memory.memsw.limit_in_bytes");
  /** A cgroup file is a few lines; more than this is not one. */
  private static final int MAX_FILE = 16 * 1024;

  private final String procCgroup;

  private TargetCgroup(String procCgroup) {
    this.procCgroup = procCgroup;
  }

  /** @param procCgroup the text of /proc/pid/cgroup; its paths are the kernel's, under our cgroup root */
  static TargetCgroup of(String procCgroup) {
    return new TargetCgroup(procCgroup);
  }

  /**
   * True when the cgroup freezer holds the process ({@code docker pause}, a frozen pod): it is not stopped (its state
   * reads D or S, not T) but runs nothing, so it answers nothing, and a SIGQUIT sent now would be handled on thaw.
   */
  boolean frozen() {
    Optional<Path> v1 = dir("freezer");
    if (v1.isPresent()) {
      String state = head(v1.get().resolve("freezer.state")).strip();
      return state.equals("FROZEN") || state.equals("FREEZING");
    }
    return dir("").map(d -> head(d.resolve("cgroup.events")).contains("frozen 1")).orElse(false);
  }

  /** "file: value" per memory file (multi-line files indented below their name); empty when nothing is readable. */
  String memory() {
    Optional<Path> v1 = dir("memory");
    Optional<Path> dir = v1.isPresent() ? v1 : dir("");
    if (dir.isEmpty()) {
      return "";
    }
    StringBuilder sb = new StringBuilder();
    for (String name : v1.isPresent() ? MEMORY_V1 : MEMORY_V2) {
      String text = head(dir.get().resolve(name)).strip();
      if (text.isEmpty()) {
        continue;
      }
      if (text.contains("\n")) {
        sb.append(name).append(":\n  ").append(text.replace("\n", "\n  ")).append('\n');
      } else {
        sb.append(name).append(": ").append(text).append('\n');
      }
    }
    return sb.length() == 0 ? "" : "cgroup " + dir.get() + "\n" + sb;
  }

  /** The directory of one v1 controller, or of the v2 hierarchy ({@code ""}), when it exists here. */
  private Optional<Path> dir(String controller) {
    for (String line : procCgroup.split("\n")) {
      String[] f = line.split(":", 3);
      if (f.length < 3) {
        continue;
      }
      boolean match = controller.isEmpty() ? f[0].equals("0") && f[1].isEmpty()
          : List.of(f[1].split(",")).contains(controller);
      if (!match) {
        continue;
      }
      Path base = controller.isEmpty() ? MOUNT : MOUNT.resolve(controller);
      if (controller.isEmpty() && !Files.exists(MOUNT.resolve("cgroup.controllers"))) {
        return Optional.empty();
      }
      Path dir = base.resolve(f[2].replaceFirst("^/+", "")).normalize();
      return dir.startsWith(base) && Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS) ? Optional.of(dir)
          : Optional.empty();
    }
    return Optional.empty();
  }

  private static String head(Path file) {
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      return "";
    }
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      return new String(in.readNBytes(MAX_FILE), StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }
}
