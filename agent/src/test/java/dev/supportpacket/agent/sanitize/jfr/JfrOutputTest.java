package dev.supportpacket.agent.sanitize.jfr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class JfrOutputTest {
  @Test
  void varintsRoundTripIncludingTheNineByteForm() throws IOException {
    long[] values = {0, 1, 127, 128, 16_383, 16_384, Integer.MAX_VALUE, -1, Long.MIN_VALUE, Long.MAX_VALUE, 1L << 56};
    JfrOutput out = new JfrOutput(16);
    for (long v : values) {
      out.writeLong(v);
    }
    JfrInput in = input(out);
    for (long v : values) {
      assertEquals(v, in.readLong());
    }
    assertEquals(out.size(), in.position());
  }

  @Test
  void paddedSizeReadsAsAnOrdinaryVarint() throws IOException {
    JfrOutput out = new JfrOutput(16);
    out.writePaddedInt(0);
    out.patchPaddedInt(0, 300);
    assertEquals(4, out.size());
    assertEquals(300, input(out).readLong());
  }

  @Test
  void readingPastTheChunkThrows() {
    JfrInput in = new JfrInput(new byte[] {(byte) 0x80, (byte) 0x80}, 2);
    assertThrows(IOException.class, in::readLong);
    JfrInput length = new JfrInput(new byte[] {3, 0x7F, 'a', 'b'}, 4);
    assertThrows(IOException.class, length::readString);
  }

  @Test
  void decodesEveryInlineStringEncoding() throws IOException {
    JfrOutput out = new JfrOutput(16);
    out.writeString("utf8-é");
    out.writeByte(JfrInput.STRING_LATIN1);
    out.writeLong(3);
    out.writeBytes(new byte[] {'l', 'a', (byte) 0xE9}, 0, 3);
    out.writeByte(JfrInput.STRING_CHARS);
    out.writeLong(2);
    out.writeLong('c');
    out.writeLong('\u20AC');
    out.writeByte(JfrInput.STRING_POOL);
    out.writeLong(42);
    out.writeString(null);
    out.writeString("");
    JfrInput in = input(out);
    assertEquals("utf8-é", in.readString());
    assertEquals("la\u00E9", in.readString());
    assertEquals("c\u20AC", in.readString());
    assertEquals(42, ((JfrInput.PoolString) in.readString()).key);
    assertEquals(null, in.readString());
    assertEquals("", in.readString());
  }

  private static JfrInput input(JfrOutput out) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    out.writeTo(bytes);
    return new JfrInput(bytes.toByteArray(), bytes.size());
  }
}
