package dev.supportpacket.agent.collect.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.supportpacket.agent.options.PacketOptions;
import dev.supportpacket.agent.packet.MemorySink;
import dev.supportpacket.agent.packet.Packet;
import dev.supportpacket.agent.sanitize.Sanitizer;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogSummaryTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode summarise(String fileDate, String text) throws Exception {
    LogSummary s = new LogSummary();
    StringWriter copy = new StringWriter();
    LogSummary.Tap tap = s.observe("logs/app.log", fileDate, copy);
    tap.write(text);
    tap.finish();
    assertEquals(text, copy.toString(), "the text passes on unchanged");
    return JSON.valueToTree(s.toJson());
  }

  @Test
  void springBoot3LinesAreCountedPerMinuteAndLogger() throws Exception {
    JsonNode s = summarise("2026-11-30", String.join("\n",
        "2026-11-30T06:13:00.101Z  INFO 4242 --- [petclinic] [           main] o.s.b.w.e.tomcat.TomcatWebServer  : Tomcat started on port 8080",
        "2026-11-30T06:13:01.101Z ERROR 4242 --- [petclinic] [nio-8080-exec-1] o.a.c.c.C.[.[.[/].[dispatcherServlet]    : Servlet.service() failed for order 1234",
        "java.lang.IllegalStateException: order 1234 not found",
        "\tat com.acme.orders.OrderService.load(OrderService.java:42)",
        "\tat com.acme.orders.OrderController.show(OrderController.java:17)",
        "2026-11-30T06:13:02.101Z ERROR 4242 --- [petclinic] [nio-8080-exec-2] o.a.c.c.C.[.[.[/].[dispatcherServlet]    : Servlet.service() failed for order 99",
        "java.lang.IllegalStateException: order 99 not found",
        "Caused by: java.net.SocketTimeoutException: Read timed out",
        "\tat java.base/java.net.SocketInputStream.read(SocketInputStream.java:1)",
        "2026-11-30T06:14:00.000Z  WARN 4242 --- [petclinic] [           main] com.acme.orders.Pool  : pool 3 is 95% busy",
        ""));
    assertEquals(2, s.get("files").get(0).get("error").asInt());
    assertEquals(1, s.get("files").get(0).get("warn").asInt());
    JsonNode minutes = s.get("per_minute");
    assertEquals("2026-11-30T06:13", minutes.get(0).get("minute").asText());
    assertEquals(2, minutes.get(0).get("error").asInt());
    assertEquals(1, minutes.get(1).get("warn").asInt());
    assertEquals("o.a.c.c.C.[.[.[/].[dispatcherServlet]".length() > 0, true);
    JsonNode template = s.get("templates").get(0);
    assertEquals("Servlet.service() failed for order <n>", template.get("template").asText());
    assertEquals("ERROR", template.get("level").asText());
    assertEquals(2, template.get("count").asInt());
    JsonNode ex = s.get("exceptions").get(0);
    assertEquals("java.lang.IllegalStateException", ex.get("type").asText());
    assertEquals(2, ex.get("count").asInt());
    JsonNode last = s.get("last_error");
    assertEquals(6, last.get("line").asInt());
    assertTrue(last.get("text").asText().contains("order 99"));
    assertEquals(List.of("java.lang.IllegalStateException: order 99 not found",
        "Caused by: java.net.SocketTimeoutException: Read timed out",
        "at java.base/java.net.SocketInputStream.read(SocketInputStream.java:1)"),
        JSON.convertValue(last.get("stack"), List.class));
    assertEquals("com.acme.orders.Pool", s.get("by_logger").get(1).get("logger").asText(), s.get("by_logger").toString());
  }

  @Test
  void logbackAndLog4j2DefaultPatternsTakeTheDateOfTheFile() throws Exception {
    JsonNode s = summarise("2026-11-29", String.join("\n",
        "23:59:58.001 [main] ERROR com.acme.Billing - charge 7f3a9c2e1b failed",
        "23:59:59.002 [worker-1] WARN  com.acme.Billing - retry 2 of 3",
        "23:59:59.003 [worker-1] INFO  com.acme.Billing - done",
        ""));
    assertEquals("2026-11-29T23:59", s.get("per_minute").get(0).get("minute").asText());
    assertEquals(1, s.get("per_minute").get(0).get("error").asInt());
    assertEquals("com.acme.Billing", s.get("by_logger").get(0).get("logger").asText());
    assertEquals("charge <hex> failed", s.get("templates").get(0).get("template").asText());
  }

  @Test
  void julTwoLineRecordsAreRead() throws Exception {
    JsonNode s = summarise("2026-11-30", String.join("\n",
        "Nov 30, 2026 6:13:00 PM com.acme.Inventory reserve",
        "SEVERE: stock for item 12 went negative",
        "Nov 30, 2026 6:14:00 AM com.acme.Inventory reserve",
        "WARNING: slow reservation",
        ""));
    assertEquals("2026-11-30T06:14", s.get("per_minute").get(0).get("minute").asText());
    assertEquals("2026-11-30T18:13", s.get("per_minute").get(1).get("minute").asText());
    assertEquals("com.acme.Inventory", s.get("by_logger").get(0).get("logger").asText());
    assertEquals(1, s.get("by_logger").get(0).get("error").asInt());
  }

  @Test
  void templatesMaskIdsHexAndUuids() {
    assertEquals("user <n> session <uuid> at <hex> took <n> ms",
        LogSummary.template("user 42 session 123e4567-e89b-12d3-a456-426614174000 at 0x7ffe took 3.5 ms"));
  }

  @Test
  void distinctKeysAreBounded() throws Exception {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < LogSummary.MAX_KEYS + 50; i++) {
      sb.append("2026-11-30 06:13:00.000 ERROR [main] logger").append(i).append(".Name - x\n");
    }
    LogSummary s = new LogSummary();
    LogSummary.Tap tap = s.observe("logs/a.log", "2026-11-30", new StringWriter());
    tap.write(sb.toString());
    tap.finish();
    JsonNode json = JSON.valueToTree(s.toJson());
    assertEquals("(other)", json.get("by_logger").get(0).get("logger").asText());
    assertEquals(50, json.get("by_logger").get(0).get("error").asInt());
  }

  @Test
  void plantedSecretInAnErrorLineIsRedactedInTheSummary(@TempDir Path dir) throws Exception {
    Path log = Files.writeString(dir.resolve("app.log"),
        "2026-11-30 06:13:00.000 ERROR [main] com.acme.Db - login failed password=Hunter2Planted99 for admin\n"
            + "java.sql.SQLException: denied for password=Hunter2Planted99\n"
            + "\tat com.acme.Db.connect(Db.java:10)\n");
    MemorySink sink = new MemorySink();
    new LogFilesCollector().write(List.of(new LogFile(log, LogFile.Role.ACTIVE, "test")), List.of(),
        PacketOptions.builder().build(), new Packet(Sanitizer.withRandomKey(), sink));
    String text = sink.text("logs/summary.json");
    assertFalse(text.contains("Hunter2Planted99"), text);
    JsonNode s = JSON.readTree(text);
    assertEquals(1, s.get("files").get(0).get("error").asInt());
    assertTrue(s.get("last_error").get("text").asText().contains("password=[REDACTED:"), text);
    assertTrue(s.get("exceptions").get(0).get("example").asText().contains("[REDACTED:"), text);
    assertEquals(LogFilesCollector.entryName(new LogFile(log, LogFile.Role.ACTIVE, "test")),
        s.get("last_error").get("entry").asText());
    assertTrue(JSON.convertValue(s, Map.class).containsKey("templates"));
  }

  @Test
  void aLearnedSecretWithDigitsIsRedactedBeforeTemplatesCutIt(@TempDir Path dir) throws Exception {
    Path log = Files.writeString(dir.resolve("app.log"),
        "2026-11-30 06:13:00.000 ERROR [main] com.acme.Db - cannot reach db as Zq9Learned42Secret77x\n");
    Sanitizer sanitizer = Sanitizer.withRandomKey();
    sanitizer.learnLiteral("Zq9Learned42Secret77x");
    MemorySink sink = new MemorySink();
    new LogFilesCollector().write(List.of(new LogFile(log, LogFile.Role.ACTIVE, "test")), List.of(),
        PacketOptions.builder().build(), new Packet(sanitizer, sink));
    String text = sink.text("logs/summary.json");
    assertFalse(text.contains("Learned") || text.contains("Zq"), text);
    assertTrue(text.contains("cannot reach db as [REDACTED:<hex>]"), text);
  }
}
