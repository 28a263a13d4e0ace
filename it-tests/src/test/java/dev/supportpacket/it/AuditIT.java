package dev.supportpacket.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.supportpacket.it.apps.CpuBurnerApp;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The audit log against real JVMs: attach writes a record beside the packet, verify checks it, an edit is caught. */
@ResourceLock(value = "cpu-profile", mode = ResourceAccessMode.READ)
class AuditIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration PATIENCE = Duration.ofSeconds(120);

  @ParameterizedTest
  @EnumSource(Jdk.class)
  void attachRecordsThePacketAndVerifyCatchesAnEditedByte(Jdk jdk, @TempDir Path dir) throws Exception {
    Path out = Files.createDirectory(dir.resolve("packets"));
    try (TargetJvm target = TargetJvm.start(jdk, CpuBurnerApp.class, dir)) {
      Cli.Result r = Cli.run(Long.toString(target.pid()), "--duration", "1", "--output", out.toString());
      assertEquals(0, r.exit, r::toString);
      Path packet = r.packet();
      Path audit = out.resolve("support-packet-audit.jsonl");
      List<JsonNode> records = records(audit);
      JsonNode rec = records.stream().filter(n -> n.path("event").asText().equals("packet.create")).findFirst()
          .orElseThrow(() -> new AssertionError("no packet.create record: " + records));
      assertEquals("success", rec.path("status").asText());
      assertEquals(System.getProperty("user.name"), rec.path("user").asText());
      assertTrue(rec.path("client").asText().startsWith("attach-cli/"), rec::toString);
      assertEquals(packet.toString(), rec.path("meta").path("packet").asText());
      assertEquals(sha256(packet), rec.path("meta").path("sha256").asText(), "the SHA-256 of the zip on disk");
      assertEquals(Files.size(packet), rec.path("meta").path("size").asLong());
      assertTrue(rec.path("meta").path("collectors").size() > 3, rec::toString);

      JsonNode inside = JSON.readTree(new PacketZip(packet).text("audit/record.json"));
      assertEquals(rec.path("id").asText(), inside.path("id").asText(), "the packet holds its own record");
      assertTrue(inside.path("meta").path("sha256").isMissingNode(), "a zip cannot hold its own hash");

      Cli.Result ok = Cli.run("audit", "verify", out.toString());
      assertEquals(0, ok.exit, ok::toString);

      List<String> lines = new ArrayList<>(Files.readAllLines(audit, StandardCharsets.UTF_8));
      // Change the size's first digit to another one (a size that starts with 9 stayed the same before).
      java.util.regex.Matcher size = java.util.regex.Pattern.compile("\"size\":(\\d)").matcher(lines.get(0));
      assertTrue(size.find(), lines.get(0));
      String other = size.group(1).equals("9") ? "1" : "9";
      lines.set(0, lines.get(0).substring(0, size.start(1)) + other + lines.get(0).substring(size.end(1)));
      Files.write(audit, lines, StandardCharsets.UTF_8);
      Cli.Result bad = Cli.run("audit", "verify", audit.toString());
      assertEquals(13, bad.exit, bad::toString);
      assertTrue(bad.out.contains("line 1 (seq 1) was edited"), bad::toString);
      await().atMost(PATIENCE).untilAsserted(() -> Leftovers.assertNone(jdk, target, out));
    }
  }

  @ParameterizedTest
  @EnumSource(Jdk.class)
  void aRequestRefusedWhileAPacketIsWrittenIsRecordedAsRejected(Jdk jdk, @TempDir Path dir) throws Exception {
    Path out = Files.createDirectory(dir.resolve("packets"));
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (TargetJvm target = TargetJvm.start(jdk, CpuBurnerApp.class, dir)) {
      Future<Cli.Result> first = pool.submit(() -> Cli.run(Long.toString(target.pid()), "--duration", "10", "--output",
          out.toString()));
      // The work directory exists exactly while the packet is being written.
      await().atMost(PATIENCE).until(() -> {
        try (Stream<Path> s = Files.list(out)) {
          return s.anyMatch(p -> p.getFileName().toString().endsWith(".work"));
        }
      });
      Cli.Result refused = Cli.run(Long.toString(target.pid()), "--duration", "1", "--output", out.toString());
      assertEquals(10, refused.exit, refused::toString);
      assertEquals(0, first.get(PATIENCE.toSeconds(), TimeUnit.SECONDS).exit);

      List<JsonNode> all = records(out.resolve("support-packet-audit.jsonl"));
      List<JsonNode> rejected = all.stream().filter(n -> n.path("status").asText().equals("rejected"))
          .collect(Collectors.toList());
      assertEquals(1, rejected.size(), all::toString);
      assertEquals("ALREADY_RUNNING", rejected.get(0).path("meta").path("failure").asText());
      assertEquals("attach", rejected.get(0).path("meta").path("trigger").asText(),
          "the second attach reached the loaded agent, which refused it: one packet service per JVM");
      assertEquals(System.getProperty("user.name"), rejected.get(0).path("user").asText());
      assertEquals(1, all.stream().filter(n -> n.path("event").asText().equals("packet.create"))
          .filter(n -> n.path("status").asText().equals("success")).count(), all::toString);
      Cli.Result verify = Cli.run("audit", "verify", out.toString());
      assertEquals(0, verify.exit, verify::toString);
    } finally {
      pool.shutdownNow();
    }
  }

  private static List<JsonNode> records(Path audit) throws Exception {
    List<JsonNode> l = new ArrayList<>();
    if (!Files.exists(audit)) {
      return l;
    }
    for (String line : Files.readAllLines(audit, StandardCharsets.UTF_8)) {
      l.add(JSON.readTree(line));
    }
    return l;
  }

  private static String sha256(Path f) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
  }
}
