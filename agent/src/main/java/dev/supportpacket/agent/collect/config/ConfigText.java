package dev.supportpacket.agent.collect.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Reads a config file as text, bounded: larger files are refused, not cut (half a config file misleads). */
final class ConfigText {
  /** Config files larger than this are listed in the index as skipped, never read whole into the target's heap. */
  static final long MAX_BYTES = 5L * 1024 * 1024;

  private ConfigText() {}

  /** The whole file as UTF-8 (malformed bytes replaced). @throws TooLarge when it exceeds {@link #MAX_BYTES} */
  static String read(ConfigFile file) throws IOException {
    return decode(bytes(file));
  }

  /** The whole file's bytes. @throws TooLarge when it exceeds {@link #MAX_BYTES} */
  static byte[] bytes(ConfigFile file) throws IOException {
    byte[] bytes;
    try (InputStream in = file.open()) {
      bytes = in.readNBytes((int) MAX_BYTES + 1);
    }
    if (bytes.length > MAX_BYTES) {
      throw new TooLarge(file.location() + " is larger than " + MAX_BYTES / (1024 * 1024) + " MB");
    }
    return bytes;
  }

  static String decode(byte[] bytes) throws IOException {
    return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
        .onUnmappableCharacter(CodingErrorAction.REPLACE).decode(ByteBuffer.wrap(bytes)).toString();
  }

  /** A file over the size limit. */
  static final class TooLarge extends IOException {
    private static final long serialVersionUID = 1L;

    TooLarge(String message) {
      super(message);
    }
  }
}
