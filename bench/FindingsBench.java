import dev.supportpacket.agent.findings.Analysis;
import dev.supportpacket.agent.findings.model.ModelReader;
import dev.supportpacket.agent.findings.model.PacketModel;
import dev.supportpacket.agent.report.PacketFacts;
import dev.supportpacket.agent.report.ReadmeHtml;
import dev.supportpacket.cli.PacketZip;
import java.io.StringWriter;
import java.nio.file.Path;

/**
 * Times the packet's analysis and report page on a packet zip, in one JVM: the first run (cold, as in a target
 * that writes its first packet) and the median of the next ones (warm). With {@code --after-warm-up} the JVM first
 * runs what a packet runs while its collectors work ({@code PacketService.warmUpAnalysis}), so that the first run is
 * what a target's first packet pays after its profile. Run as a source file with attach.jar on the class path:
 * {@code java -cp attach.jar bench/FindingsBench.java packet.zip [--after-warm-up]}. Nothing of it ships.
 */
public final class FindingsBench {
  public static void main(String[] args) throws Exception {
    Path zip = Path.of(args[0]);
    boolean warmedUp = args.length > 1 && args[1].equals("--after-warm-up");
    long warmUp = 0;
    if (warmedUp) {
      long w0 = System.nanoTime();
      dev.supportpacket.agent.PacketService.warmUpAnalysis();
      warmUp = System.nanoTime() - w0;
    }
    long[] model = new long[11];
    long[] rules = new long[11];
    long[] page = new long[11];
    int pageBytes = 0;
    for (int i = 0; i < model.length; i++) {
      try (PacketZip entries = PacketZip.open(zip)) {
        long t0 = System.nanoTime();
        PacketModel m = ModelReader.read(entries);
        long t1 = System.nanoTime();
        Analysis a = Analysis.of(m);
        StringWriter json = new StringWriter();
        a.writeJson(json);
        long t2 = System.nanoTime();
        StringWriter html = new StringWriter();
        ReadmeHtml.write(html, PacketFacts.read(entries, entries.sizes()), a);
        long t3 = System.nanoTime();
        model[i] = t1 - t0;
        rules[i] = t2 - t1;
        page[i] = t3 - t2;
        pageBytes = html.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
      }
    }
    System.out.printf("analysis %s: model %d ms, rules+findings.json %d ms, page %d ms, total %d ms%s%n",
        warmedUp ? "first after the warm-up" : "cold", ms(model[0]), ms(rules[0]), ms(page[0]),
        ms(model[0] + rules[0] + page[0]),
        warmedUp ? " (the warm-up itself, during the profile: " + ms(warmUp) + " ms)" : "");
    System.out.printf("analysis warm (median of %d): model %d ms, rules+findings.json %d ms, page %d ms%n",
        model.length - 1, ms(median(model)), ms(median(rules)), ms(median(page)));
    System.out.printf("page: %d bytes%n", pageBytes);
  }

  private static long median(long[] v) {
    long[] w = java.util.Arrays.copyOfRange(v, 1, v.length);
    java.util.Arrays.sort(w);
    return w[w.length / 2];
  }

  private static long ms(long ns) {
    return ns / 1_000_000;
  }
}
