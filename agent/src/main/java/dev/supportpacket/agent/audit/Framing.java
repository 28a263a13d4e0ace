package dev.supportpacket.agent.audit;

import java.nio.charset.StandardCharsets;

/** How messages are delimited on a stream. Over UDP each message is one datagram and needs none. */
enum Framing {
  /** Syslog over TCP and TLS (RFC 6587 section 3.4.1, RFC 5425): {@code LEN SP MSG}, LEN in bytes. */
  OCTET_COUNTING,
  /** One message per line: newline-delimited JSON or plain text. */
  NEWLINE,
  /** GELF over TCP: each message ends with a NUL byte. */
  NUL;

  byte[] frame(String message) {
    byte[] msg = message.getBytes(StandardCharsets.UTF_8);
    switch (this) {
      case OCTET_COUNTING: {
        byte[] len = (msg.length + " ").getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[len.length + msg.length];
        System.arraycopy(len, 0, out, 0, len.length);
        System.arraycopy(msg, 0, out, len.length, msg.length);
        return out;
      }
      case NEWLINE:
        return withLast(msg, (byte) '\n');
      default:
        return withLast(msg, (byte) 0);
    }
  }

  private static byte[] withLast(byte[] msg, byte last) {
    byte[] out = java.util.Arrays.copyOf(msg, msg.length + 1);
    out[msg.length] = last;
    return out;
  }
}
