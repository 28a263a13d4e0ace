package dev.supportpacket.agent;

import dev.supportpacket.agent.findings.model.PacketEntries;
import dev.supportpacket.agent.findings.model.PacketModel;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A small canned packet shipped in the agent jar, on which a JVM's first packet rehearses its analysis and page
 * while its profile runs ({@link PacketService#warmUpAnalysis}): the sanitized entries the model reads, cut short
 * (a 45-line histogram), of a test application with a hot thread, a contended lock and logged errors, so that the
 * rules and the page's sections load and run the code a real packet needs. On no entries they stayed cold, and the
 * first real page took 119-182 ms more. Written by our own test application; nothing of any real process.
 */
final class WarmUpPacket implements PacketEntries {
  private static final String DIR = "warm-up/";

  /** The entries' bytes, read once (about 97 KB, garbage after the rehearsal). */
  private final Map<String, byte[]> entries = new LinkedHashMap<>();

  private WarmUpPacket() {
    List<String> names = new ArrayList<>(PacketModel.READS);
    names.add("report.txt");
    names.add("metadata.yaml");
    for (String name : names) {
      try (InputStream in = WarmUpPacket.class.getResourceAsStream(DIR + name)) {
        if (in != null) {
          entries.put(name, in.readAllBytes());
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** The canned packet; entries missing from the jar are simply absent. */
  static WarmUpPacket load() {
    return new WarmUpPacket();
  }

  /** Each entry's size, as the page's file table shows it. */
  Map<String, Long> sizes() {
    Map<String, Long> sizes = new LinkedHashMap<>();
    entries.forEach((name, bytes) -> sizes.put(name, (long) bytes.length));
    return sizes;
  }

  @Override
  public List<String> names() {
    return List.copyOf(entries.keySet());
  }

  @Override
  public Optional<InputStream> open(String name) {
    byte[] bytes = entries.get(name);
    return bytes == null ? Optional.empty() : Optional.of(new ByteArrayInputStream(bytes));
  }
}
