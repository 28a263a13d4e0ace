package dev.supportpacket.agent.audit;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Audit logs loaded from YAML written by the test, as a site would configure them. */
final class Configs {
  private Configs() {}

  /** Loads {@code yaml}; file targets without a filename write {@code audit.jsonl} in {@code dir}. */
  static AuditLog load(Path dir, String yaml, PrintStream err) throws Exception {
    Path file = Files.writeString(Files.createTempFile(dir, "audit", ".yaml"), yaml);
    return AuditConfig.load(file, r -> dir.resolve("audit.jsonl"), err);
  }

  static AuditRecord record(String user) {
    return AuditRecord.builder(AuditRecord.PACKET_CREATE).status(AuditRecord.Status.SUCCESS).user(user)
        .client("attach-cli/1").clientHost("box").meta("packet", "/tmp/p.zip").meta("size", 10L)
        .meta("heapDump", false).meta("collectors", java.util.List.of("threads", "jvm")).build();
  }
}
