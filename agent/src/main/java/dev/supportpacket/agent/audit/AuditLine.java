package dev.supportpacket.agent.audit;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One line of a chained (json) audit file, read back: its chain fields and the fields of the record that the chain
 * and its seals depend on. The file target reads the end of its file with it to continue the chain;
 * {@code attach.jar audit verify} reads every line with it: one reader of the format its writer writes. Immutable.
 */
public final class AuditLine {
  /** Never handed out: the tree is read, never changed. */
  private final JsonNode node;

  private AuditLine(JsonNode node) {
    this.node = node;
  }

  /** The line's fields; empty when it is not a JSON object (edited, torn or not ours). */
  public static Optional<AuditLine> parse(byte[] line) {
    try {
      JsonNode n = AuditFormat.JSON.readTree(line);
      return n != null && n.isObject() ? Optional.of(new AuditLine(n)) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Empty when the line has no whole-number {@code seq}: not a chained record. */
  public OptionalLong seq() {
    JsonNode seq = node.path("seq");
    return seq.canConvertToLong() ? OptionalLong.of(seq.asLong()) : OptionalLong.empty();
  }

  /** Whether the line names its predecessor's link at all ({@code null} for the first line of a chain). */
  public boolean hasPrev() {
    return node.has("prev");
  }

  /** The link of the line before it; empty for the chain's first line. */
  public String prev() {
    JsonNode prev = node.path("prev");
    return prev.isTextual() ? prev.asText() : "";
  }

  /** True when the chain's links are keyed (HMAC-SHA256): checking them needs the key. */
  public boolean keyedChain() {
    return "hmac-sha256".equals(node.path("chain").asText());
  }

  /** The record's event ({@link AuditRecord#SEAL}, …); empty when it has none. */
  public String event() {
    return node.path("event").asText("");
  }

  /** Epoch milliseconds; 0 when not known. */
  public long createAt() {
    return node.path("createAt").asLong(0);
  }

  /** A text field of {@code meta}; empty when it is missing or not text. */
  public Optional<String> metaText(String key) {
    JsonNode v = node.path("meta").path(key);
    return v.isTextual() ? Optional.of(v.asText()) : Optional.empty();
  }

  /** A number field of {@code meta}; 0 when it is missing or not a number. */
  public long metaLong(String key) {
    return node.path("meta").path(key).asLong(0);
  }

  /** A list field of {@code meta}, each item as text; empty when it is missing. */
  public List<String> metaList(String key) {
    List<String> out = new ArrayList<>();
    node.path("meta").path(key).forEach(x -> out.add(x.asText()));
    return List.copyOf(out);
  }
}
