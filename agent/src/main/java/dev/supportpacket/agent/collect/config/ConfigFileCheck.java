package dev.supportpacket.agent.collect.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;

/**
 * Decides whether a config file found on disk may be read into the packet: a file is trusted neither by its name nor
 * by where it was found, since a local user may have planted a link there ({@code application.yml -> /etc/shadow}).
 * Refused, with the reason for config/index.yaml:
 *
 * <ul>
 *   <li>a file reached through a link (the file itself is one) whose real place is outside both the application's
 *       working directory and the directory the link is in: a config file is read where it is, never through a link
 *       that leaves the application's tree (a Kubernetes ConfigMap's {@code ..data} links stay within their mount);
 *   <li>a file permissioned like a secret: not readable by others and owned by another user than the process's, so
 *       that the process reads it only through its group or its privileges (root reading another user's private
 *       file, {@code /etc/shadow}'s {@code root:shadow 0640}).
 * </ul>
 */
final class ConfigFileCheck {
  private final Path workDir;
  /** The process's user id; empty where the OS does not tell (then ownership is not checked). */
  private final Optional<Integer> processUid;

  ConfigFileCheck(Path workDir, Optional<Integer> processUid) {
    this.workDir = realOrSelf(workDir);
    this.processUid = processUid;
  }

  /** The check for this process: its working directory and its user id. */
  static ConfigFileCheck ofThisProcess(Path workDir) {
    Optional<Integer> uid;
    try {
      uid = Optional.of((Integer) Files.getAttribute(Paths.get("/proc/self"), "unix:uid"));
    } catch (IOException | RuntimeException e) {
      uid = Optional.empty();
    }
    return new ConfigFileCheck(workDir, uid);
  }

  /**
   * Why the file found at {@code asFound}, really at {@code real}, must not be read; empty when it may be.
   */
  Optional<String> refusal(Path asFound, Path real) {
    if (Files.isSymbolicLink(asFound)) {
      Path linkDir = realOrSelf(asFound.toAbsolutePath().getParent());
      if (!real.startsWith(workDir) && !real.startsWith(linkDir)) {
        return Optional.of("a link to " + real + ", outside the application's directory " + workDir + " and the"
            + " link's own directory: not read (copy the file into place if it really is the configuration)");
      }
    }
    return permissionRefusal(real);
  }

  /** Why {@code real} is permissioned like a secret and must not be read (see the class comment); empty if not. */
  Optional<String> permissionRefusal(Path real) {
    if (processUid.isPresent()) {
      try {
        int owner = (Integer) Files.getAttribute(real, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(real, LinkOption.NOFOLLOW_LINKS);
        if (owner != processUid.get() && !mode.contains(PosixFilePermission.OTHERS_READ)) {
          return Optional.of("permissioned like a secret (" + PosixFilePermissions.toString(mode) + ", owner uid "
              + owner + ", the process runs as uid " + processUid.get() + "): readable only through the process's"
              + " group or privileges, so not read");
        }
      } catch (IOException | RuntimeException e) {
        return Optional.of("its owner and mode cannot be read (" + e.getClass().getSimpleName() + "): not read");
      }
    }
    return Optional.empty();
  }

  private static Path realOrSelf(Path p) {
    try {
      return p.toRealPath();
    } catch (IOException e) {
      return p.toAbsolutePath().normalize();
    }
  }
}
