package dev.supportpacket.agent;

import dev.supportpacket.agent.findings.model.PacketEntries;
import dev.supportpacket.agent.findings.model.PacketModel;
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
  private static final List<String> NAMES = entryNames();

  private final Map<String, Long> sizes = new LinkedHashMap<>();

  private WarmUpPacket() {
    for (String name : NAMES) {
      try (InputStream in = resource(name)) {
        if (in != null) {
          sizes.put(name, (long) in.readAllBytes().length);
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

  private static List<String> entryNames() {
    List<String> n = new ArrayList<>(PacketModel.READS);
    n.add("report.txt");
    n.add("metadata.yaml");
    return List.copyOf(n);
  }

  private static InputStream resource(String name) {
    return WarmUpPacket.class.getResourceAsStream(DIR + name);
  }

  /** Each entry's size, as the page's file table shows it. */
  Map<String, Long> sizes() {
    return Map.copyOf(sizes);
  }

  @Override
  public List<String> names() {
    return List.copyOf(sizes.keySet());
  }

  @Override
  public Optional<InputStream> open(String name) {
    return sizes.containsKey(name) ? Optional.ofNullable(resource(name)) : Optional.empty();
  }
}
