package dev.supportpacket.agent.findings;

import dev.supportpacket.agent.findings.model.PacketEntries;
import dev.supportpacket.agent.packet.EntryRecord;
import dev.supportpacket.agent.packet.Packet;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The entries of the packet being written, as the analysis reads them: only what the sanitizer already passed. */
public final class WrittenEntries implements PacketEntries {
  private final Packet packet;

  public WrittenEntries(Packet packet) {
    this.packet = packet;
  }

  @Override
  public List<String> names() {
    List<String> names = new ArrayList<>();
    for (EntryRecord e : packet.entries()) {
      names.add(e.name);
    }
    return names;
  }

  @Override
  public Optional<InputStream> open(String name) throws IOException {
    return packet.committed(name);
  }
}
