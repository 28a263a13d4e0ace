package dev.supportpacket.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.supportpacket.it.apps.shop.CatalogService;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * README.html of a real packet, opened in a real headless browser (Debian's chromium): it renders, the flame graph
 * draws, nothing goes to the console, and a thread named {@code </script><script>…} stays text. Also the same page
 * written offline by {@code attach.jar analyze --html}.
 */
class ReportPageBrowserIT {
  private static final Path CHROMIUM = Paths.get("/usr/bin/chromium");

  @Test
  @org.junit.jupiter.api.Timeout(value = 10, unit = TimeUnit.MINUTES)
  void thePageOpensWithoutConsoleErrorsAndDrawsTheFlameGraph() throws Exception {
    if (!Files.isExecutable(CHROMIUM)) {
      String msg = "!!!!! ReportPageBrowserIT SKIPPED: no chromium at " + CHROMIUM + "; install it (apt-get install"
          + " chromium) to test the report page in a real browser !!!!!";
      System.err.println(msg);
      Assumptions.assumeTrue(false, msg);
    }
    Path dir = Files.createDirectories(Paths.get(System.getProperty("workDir"), "report-page"));
    Path page;
    Path offline = dir.resolve("offline.html");
    try (TargetJvm target = TargetJvm.start(Jdk.JDK17, CatalogService.class, dir, List.of(), Map.of(), List.of("busy"))) {
      Cli.Result r = Cli.runIn(dir, Long.toString(target.pid()), "--duration", "2", "--output", dir.toString(),
          "--timeout", "170");
      PacketZip packet = new PacketZip(r.packet());
      page = packet.extract("README.html", dir);
      assertTrue(Files.size(page) <= 1024 * 1024, "page over 1 MB: " + Files.size(page));
      Cli.Result a = Cli.runIn(dir, "analyze", r.packet().toString(), "--html", offline.toString());
      assertEquals(0, a.exit, a.toString());
      assertTrue(a.out.contains("verdict: nothing wrong found"), a.out);
    }
    for (Path p : List.of(page, offline)) {
      String html = Files.readString(p, StandardCharsets.UTF_8);
      assertFalse(html.contains("<script>alert(1)"), "the thread name broke out of " + p);
      assertTrue(html.contains("Nothing wrong found."), p.toString());
      Browser b = open(p);
      assertEquals(List.of(), b.console, "console messages of " + p);
      assertTrue(b.dom.contains("<canvas"), "the flame graph did not draw in " + p);
      assertEquals(2, count(b.dom, "<script"), "only the graph's data and code are scripts in " + p);
      assertTrue(b.dom.contains("catalog-&lt;/script&gt;"), "the thread's name is shown as text in " + p);
    }
  }

  private static int count(String s, String what) {
    Matcher m = Pattern.compile(Pattern.quote(what)).matcher(s);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  /** The DOM after scripts ran, and the page's console messages (chromium logs them as "CONSOLE" lines). */
  private static final class Browser {
    final String dom;
    final List<String> console;

    Browser(String dom, List<String> console) {
      this.dom = dom;
      this.console = console;
    }
  }

  private static Browser open(Path page) throws Exception {
    Path out = Files.createTempFile("it-chromium", ".html");
    Path err = Files.createTempFile("it-chromium", ".err");
    Path profile = Files.createTempDirectory("it-chromium-profile");
    try {
      Process p = new ProcessBuilder(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
          "--user-data-dir=" + profile, "--enable-logging=stderr", "--v=0", "--virtual-time-budget=2000",
          "--dump-dom", page.toUri().toString()).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("chromium did not finish in 120 s");
      }
      List<String> console = new ArrayList<>();
      for (String line : Files.readAllLines(err, StandardCharsets.UTF_8)) {
        if (line.contains(":CONSOLE")) {
          console.add(line);
        }
      }
      return new Browser(Files.readString(out, StandardCharsets.UTF_8), console);
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
      try (var s = Files.walk(profile)) {
        s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }
}
