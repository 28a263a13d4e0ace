package dev.supportpacket.agent.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.supportpacket.agent.findings.Analysis;
import dev.supportpacket.agent.findings.model.ModelReader;
import dev.supportpacket.agent.findings.model.PacketEntries;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ReadmeHtmlTest {
  private static final String EVIL = "</script><script>alert(1)</script>";

  private static String page(Map<String, String> entries) throws Exception {
    PacketEntries pe = new PacketEntries() {
      @Override
      public List<String> names() {
        return new ArrayList<>(entries.keySet());
      }

      @Override
      public Optional<InputStream> open(String name) {
        String t = entries.get(name);
        return t == null ? Optional.empty() : Optional.of(new ByteArrayInputStream(t.getBytes(StandardCharsets.UTF_8)));
      }
    };
    Map<String, Long> sizes = new LinkedHashMap<>();
    entries.forEach((k, v) -> sizes.put(k, (long) v.length()));
    StringWriter w = new StringWriter();
    ReadmeHtml.write(w, PacketFacts.read(pe, sizes), Analysis.of(ModelReader.read(pe)));
    return w.toString();
  }

  @Test
  void namesThatCloseAScriptStayTextInTheGraphAndTheTables() throws Exception {
    Map<String, String> e = new LinkedHashMap<>();
    e.put("profile/cpu-folded.txt", "java.lang.Thread.run;com.acme." + EVIL + ".spin 50\njava.lang.Thread.run;a.B.c 5\n");
    e.put("threads/threads.txt", "\"" + EVIL + "\" #5 prio=5 cpu=3ms\n   java.lang.Thread.State: RUNNABLE\n"
        + "\tat com.acme.X.y(X.java:1)\n\n");
    String html = page(e);
    assertFalse(html.contains(EVIL), "a collected name broke out of the page");
    Matcher scripts = Pattern.compile("<script").matcher(html);
    int n = 0;
    while (scripts.find()) {
      n++;
    }
    assertEquals(2, n, "only the graph's data and its code are scripts");
    assertTrue(html.contains("\\u003c/script\\u003e"), "the graph keeps the name, escaped");
    assertTrue(html.contains("&lt;/script&gt;"), "the tables keep the name, escaped");
  }

  @Test
  void aHealthyPacketSaysNothingWrongAndListsEveryFile() throws Exception {
    Map<String, String> e = new LinkedHashMap<>();
    e.put("metadata.yaml", "app: OrderService\npid: 42\nhost: box\n");
    e.put("report.txt", "collector status\ncpu-profile ok 1 2\n\npacket: complete (1 collectors ok)\n");
    String html = page(e);
    assertTrue(html.contains("Nothing wrong found."));
    assertTrue(html.contains("This packet is complete."));
    for (String f : List.of("README.html", "findings.json", "audit/record.json", "metadata.yaml")) {
      assertTrue(html.contains("href=\"" + f + "\""), f);
    }
    assertFalse(html.contains("http://") || html.contains("https://") || html.contains(" src="), "no external asset");
  }
}
