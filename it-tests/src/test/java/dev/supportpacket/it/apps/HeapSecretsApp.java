package dev.supportpacket.it.apps;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Target that holds planted secrets in the heap: String fields, char[], byte[], a map value, and a compile-time
 * constant. The secrets are built from a seed given as the first argument, so that none is a literal in any class
 * file except {@link #LITERAL_SECRET}. The second argument, if any, is MB of live ballast.
 */
public final class HeapSecretsApp {
  public static final int ACCOUNTS = 7;
  /** A compile-time constant: it lives in the class's constant pool, and so in HotSpot's symbol table. */
  public static final String LITERAL_SECRET = "literal-PLANTED-9f3e1d";

  /** The secrets for a seed, as the test computes them too. */
  public static List<String> secrets(String seed) {
    return List.of("heapfield-" + seed, "heapchars-" + seed, "heapbytes-" + seed, "heapmap-" + seed,
        "heaputf16-\u00e9\u20ac-" + seed);
  }

  static final List<Object> KEEP = new ArrayList<>();

  /** The class the test counts. */
  public static final class Account {
    final String password;
    final char[] pin;
    final byte[] key;
    final String display;
    final long balance;

    Account(List<String> s, long balance) {
      this.password = s.get(0);
      this.pin = s.get(1).toCharArray();
      this.key = s.get(2).getBytes(StandardCharsets.UTF_8);
      this.display = s.get(4);
      this.balance = balance;
    }
  }

  private HeapSecretsApp() {}

  public static void main(String[] args) throws Exception {
    List<String> s = secrets(args[0]);
    for (int i = 0; i < ACCOUNTS; i++) {
      KEEP.add(new Account(s, 1000 + i));
    }
    Map<String, String> config = new HashMap<>();
    config.put("db.password", s.get(3));
    config.put("api.key", LITERAL_SECRET);
    KEEP.add(config);
    // Ballast like an application's: per MB, half numbers that do not compress (a long[]), half small Strings.
    int ballastMb = args.length > 1 ? Integer.parseInt(args[1]) : 0;
    long x = 0x9E3779B97F4A7C15L;
    for (int i = 0; i < ballastMb; i++) {
      long[] numbers = new long[64 * 1024];
      for (int j = 0; j < numbers.length; j++) {
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        numbers[j] = x;
      }
      KEEP.add(numbers);
      List<String> strings = new ArrayList<>();
      for (int j = 0; j < 6000; j++) {
        strings.add("order-" + i + "-" + j + "-customer-" + (x >>> (j % 40)));
      }
      KEEP.add(strings);
    }
    Ready.announce();
  }
}
