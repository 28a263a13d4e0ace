package dev.supportpacket.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The agent jar that travels inside attach.jar, put where the target JVM can load it. The file is named by its
 * content hash and kept: the target's class loader keeps reading it after the attach, and a second attach of the
 * same version finds the same path (and the agent classes already loaded).
 */
final class AgentJar {
  private static final String RESOURCE = "agent.jar";

  private AgentJar() {}

  static Path extract() throws CliFailure {
    byte[] jar;
    try (InputStream in = AgentJar.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new CliFailure(ExitCode.AGENT_FAILED, "this attach.jar was built without its agent; rebuild with mvn package");
      }
      jar = in.readAllBytes();
    } catch (IOException e) {
      throw new CliFailure(ExitCode.AGENT_FAILED, "cannot read the agent inside attach.jar: " + e.getMessage());
    }
    Path target = Paths.get(System.getProperty("java.io.tmpdir"), "support-packet-agent-" + sha256(jar) + ".jar");
    try {
      if (Files.isRegularFile(target) && Files.size(target) == jar.length) {
        return target;
      }
      Path tmp = Files.createTempFile(target.getParent(), "support-packet-agent-", ".tmp");
      Files.write(tmp, jar);
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return target;
    } catch (IOException e) {
      throw new CliFailure(ExitCode.AGENT_FAILED, "cannot write the agent to " + target + ": " + e.getMessage()
          + "; set another temporary directory with -Djava.io.tmpdir=DIR");
    }
  }

  private static String sha256(byte[] b) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(b);
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < 8; i++) {
        sb.append(String.format("%02x", h[i]));
      }
      return sb.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is mandatory on every JDK", e);
    }
  }
}
