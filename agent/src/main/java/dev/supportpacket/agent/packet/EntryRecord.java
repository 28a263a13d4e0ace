package dev.supportpacket.agent.packet;

import java.util.Map;

/** One entry of the archive as the report sees it: no content, only its name, owner, size and redaction counts. */
public final class EntryRecord {
  public final String name;
  public final String owner;
  public final long bytes;
  public final Map<String, Integer> redactions;
  /** True for an entry written unscrubbed on the user's explicit request (a raw heap dump). */
  public final boolean unsanitized;

  EntryRecord(String name, String owner, long bytes, Map<String, Integer> redactions, boolean unsanitized) {
    this.unsanitized = unsanitized;
    this.name = name;
    this.owner = owner;
    this.bytes = bytes;
    this.redactions = Map.copyOf(redactions);
  }
}
