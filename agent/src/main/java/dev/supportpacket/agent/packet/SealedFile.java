package dev.supportpacket.agent.packet;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A finished packet: its final name, and its size and SHA-256 as read through the handle it was written with (a file
 * reopened by name in a shared directory may not be the one we wrote). Immutable.
 */
public final class SealedFile {
  private final Path path;
  private final long size;
  private final String sha256;

  public SealedFile(Path path, long size, String sha256) {
    this.path = path;
    this.size = size;
    this.sha256 = sha256;
  }

  /** The same content under another name. */
  SealedFile renamed(Path renamed) {
    return new SealedFile(renamed, size, sha256);
  }

  /** Reads {@code channel} from its start, with a 64 KB buffer. */
  static SealedFile measure(Path path, FileChannel channel) throws IOException {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing from this JDK", e);
    }
    ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
    long pos = 0;
    for (int n; (n = channel.read(buf, pos)) > 0; pos += n) {
      buf.flip();
      sha.update(buf);
      buf.clear();
    }
    StringBuilder hex = new StringBuilder(64);
    for (byte b : sha.digest()) {
      hex.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
    }
    return new SealedFile(path, pos, hex.toString());
  }

  public Path path() {
    return path;
  }

  public long size() {
    return size;
  }

  public String sha256() {
    return sha256;
  }
}
