package dev.supportpacket.agent.sanitize.bench;

import dev.supportpacket.agent.sanitize.EntryScrubber;
import dev.supportpacket.agent.sanitize.Sanitizer;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Throughput of the streaming text filter on a large realistic log, one thread: what bench/sanitizer-throughput.sh
 * runs. Not a test: timings belong in a benchmark, never in a unit test.
 *
 * <pre>
 * generate FILE MB   writes a log of about MB megabytes with a few secrets sprinkled in
 * run FILE [ROUNDS]  filters FILE (UTF-8 in, UTF-8 out to nowhere) and prints MB/s per round
 * </pre>
 */
public final class SanitizerThroughput {
  private static final int LEARNED = 100;
  /** Issue 4's target for one core. */
  private static final double TARGET_MB_S = 100;

  private SanitizerThroughput() {}

  public static void main(String[] args) throws IOException {
    if (args.length >= 3 && args[0].equals("generate")) {
      generate(Paths.get(args[1]), Long.parseLong(args[2]) * 1024 * 1024);
    } else if (args.length >= 2 && args[0].equals("run")) {
      run(Paths.get(args[1]), args.length > 2 ? Integer.parseInt(args[2]) : 5);
    } else {
      System.err.println("usage: generate FILE MB | run FILE [ROUNDS]");
      System.exit(2);
    }
  }

  private static void run(Path file, int rounds) throws IOException {
    long bytes = Files.size(file);
    System.out.printf("file: %s, %.1f MB, %d learned secrets%n", file, bytes / 1e6, LEARNED);
    System.out.printf("cores: the filter runs on 1 thread, so on 1 of this machine's %d cores; MB/s by that thread's "
        + "CPU time (robust on a busy machine; JIT and GC threads not counted) and by wall time%n",
        Runtime.getRuntime().availableProcessors());
    double[] copy = seconds(file, null);
    System.out.printf("baseline (UTF-8 decode + encode, no filter): %.0f MB/s cpu, %.0f MB/s wall%n",
        bytes / 1e6 / copy[0], bytes / 1e6 / copy[1]);
    List<Double> rates = new ArrayList<>();
    Map<String, Integer> counts = Map.of();
    for (int i = 0; i < rounds; i++) {
      Sanitizer s = sanitizer();
      EntryScrubber e = s.forEntry("app.log");
      double[] t = seconds(file, e);
      rates.add(bytes / 1e6 / t[0]);
      counts = e.redactions();
      System.out.printf("round %d: %.0f MB/s cpu, %.0f MB/s wall%s%n", i + 1, bytes / 1e6 / t[0], bytes / 1e6 / t[1],
          i == 0 ? " (includes JIT warm-up)" : "");
    }
    System.out.println("redactions per round: " + counts);
    List<Double> sorted = new ArrayList<>(rates.subList(Math.min(1, rates.size() - 1), rates.size()));
    sorted.sort(null);
    double median = sorted.get(sorted.size() / 2);
    System.out.printf("filter throughput: %.0f MB/s on 1 core (CPU time, median of rounds after the first)"
        + "   target >= %.0f MB/s: %s%n", median, TARGET_MB_S, median >= TARGET_MB_S ? "PASS" : "MISS");
  }

  /** CPU seconds of this thread and wall seconds to filter the file (decode, filter, encode). */
  private static double[] seconds(Path file, EntryScrubber scrubber) throws IOException {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long c0 = threads.getCurrentThreadCpuTime();
    long t0 = System.nanoTime();
    try (Reader r = new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8);
        Writer sink = new BufferedWriter(new OutputStreamWriter(OutputStream.nullOutputStream(), StandardCharsets.UTF_8));
        Writer w = scrubber == null ? sink : scrubber.filter(sink)) {
      char[] buf = new char[64 * 1024];
      int n;
      while ((n = r.read(buf)) > 0) {
        w.write(buf, 0, n);
      }
    }
    return new double[] {(threads.getCurrentThreadCpuTime() - c0) / 1e9, (System.nanoTime() - t0) / 1e9};
  }

  /** A sanitizer as a real packet has it: the built-in rules and secrets learned from the environment. */
  private static Sanitizer sanitizer() {
    Sanitizer s = Sanitizer.withRandomKey();
    Random rnd = new Random(7);
    for (int i = 0; i < LEARNED; i++) {
      s.learn("SERVICE_" + i + "_PASSWORD", randomToken(rnd, 12 + rnd.nextInt(30)));
    }
    s.learn("DB_PASSWORD", "Pa55w0rd-prod-db");
    return s;
  }

  private static String randomToken(Random rnd, int len) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    char[] c = new char[len];
    for (int i = 0; i < len; i++) {
      c[i] = alphabet.charAt(rnd.nextInt(alphabet.length()));
    }
    return new String(c);
  }

  private static final String[] LEVELS = {"INFO ", "INFO ", "INFO ", "DEBUG", "DEBUG", "WARN ", "ERROR"};
  private static final String[] LOGGERS = {
    "o.s.web.servlet.DispatcherServlet", "c.acme.orders.OrderService", "c.acme.orders.api.OrderController",
    "o.h.engine.jdbc.spi.SqlStatementLogger", "c.z.hikari.pool.HikariPool", "o.a.kafka.clients.consumer.KafkaConsumer",
    "c.acme.auth.TokenService", "c.acme.payments.StripeClient", "o.a.catalina.core.StandardWrapperValve"
  };

  /** A log shaped like a Spring Boot service's: requests, SQL, pool stats, stack traces, JSON, rare secrets. */
  private static void generate(Path file, long size) throws IOException {
    Random rnd = new Random(42);
    String[] secretLines = {
      "Connecting to jdbc:postgresql://orders:Pa55w0rd-prod-db@db.internal:5432/orders",
      "outgoing request headers={Authorization=Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U}",
      "stripe call failed for key sk_live_4eC39HqLyjWDarjtT1zdp7dc: card_declined",
      "retrying login password=hunter2hunter2 user=svc-orders",
      "AWS credentials AKIAIOSFODNN7EXAMPLE loaded from environment",
    };
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      long written = 0;
      long line = 0;
      while (written < size) {
        String ts = String.format("2024-05-%02d %02d:%02d:%02d.%03d", 1 + (int) (line / 8_000_000 % 28),
            (int) (line / 360_000 % 24), (int) (line / 6000 % 60), (int) (line / 100 % 60), (int) (line % 1000));
        String thread = rnd.nextInt(4) == 0 ? "main" : "http-nio-8080-exec-" + (1 + rnd.nextInt(200));
        StringBuilder sb = new StringBuilder(240);
        sb.append(ts).append(' ').append(LEVELS[rnd.nextInt(LEVELS.length)]).append(" 4711 --- [")
            .append(thread).append("] ").append(LOGGERS[rnd.nextInt(LOGGERS.length)]).append(" : ");
        int kind = rnd.nextInt(1000);
        if (kind < 2) {
          sb.append(secretLines[rnd.nextInt(secretLines.length)]);
        } else if (kind < 300) {
          sb.append("Completed ").append(rnd.nextInt(3) == 0 ? "POST" : "GET").append(" /api/v1/orders/")
              .append(Math.abs(rnd.nextLong() % 1_000_000)).append("?include=items&page=").append(rnd.nextInt(50))
              .append(" 200 OK in ").append(rnd.nextInt(900)).append(" ms, request id=")
              .append(new java.util.UUID(rnd.nextLong(), rnd.nextLong()));
        } else if (kind < 500) {
          sb.append("select o1_0.id,o1_0.customer_id,o1_0.created_at,o1_0.status,o1_0.total from orders o1_0 where o1_0.customer_id=? and o1_0.status in (?,?) order by o1_0.created_at desc fetch first ? rows only");
        } else if (kind < 600) {
          sb.append("HikariPool-1 - Pool stats (total=20, active=").append(rnd.nextInt(20)).append(", idle=")
              .append(rnd.nextInt(20)).append(", waiting=0)");
        } else if (kind < 700) {
          sb.append("payload={\"orderId\":").append(rnd.nextInt(1_000_000))
              .append(",\"items\":[{\"sku\":\"SKU-").append(rnd.nextInt(99999)).append("\",\"qty\":")
              .append(rnd.nextInt(9)).append("}],\"currency\":\"EUR\",\"customer\":{\"name\":\"Jane Doe\",\"email\":\"jane")
              .append(rnd.nextInt(999)).append("@example.com\"}}");
        } else if (kind < 760) {
          sb.append("Token validated for user ").append(rnd.nextInt(99999)).append(", expires in 3600 s, scope=orders.read");
        } else if (kind < 800) {
          sb.append("Servlet.service() for servlet [dispatcherServlet] threw exception\n")
              .append("java.lang.IllegalStateException: order ").append(rnd.nextInt(99999)).append(" is closed\n");
          for (int f = 0; f < 12; f++) {
            sb.append("\tat com.acme.orders.OrderService.update(OrderService.java:").append(100 + f).append(")\n");
          }
          sb.append("\tat java.base/java.lang.Thread.run(Thread.java:833)");
        } else if (kind < 850) {
          sb.append("Committed offsets {orders-").append(rnd.nextInt(12)).append("=OffsetAndMetadata{offset=")
              .append(rnd.nextInt(1_000_000)).append(", leaderEpoch=null, metadata=''}} commit ")
              .append(Long.toHexString(rnd.nextLong())).append(Long.toHexString(rnd.nextLong()));
        } else {
          sb.append("Order ").append(rnd.nextInt(1_000_000)).append(" moved from PENDING to ")
              .append(rnd.nextBoolean() ? "PAID" : "SHIPPED").append(" by worker ").append(rnd.nextInt(16))
              .append(" (attempt ").append(1 + rnd.nextInt(3)).append(")");
        }
        sb.append('\n');
        w.write(sb.toString());
        written += sb.length();
        line++;
      }
    }
    System.out.printf("generated %s: %.1f MB%n", file, Files.size(file) / 1e6);
  }

}
