package dev.supportpacket.agent.sanitize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StreamingFilterTest {
  private final Sanitizer sanitizer = Sanitizer.withRandomKey();

  private String filter(EntryScrubber e, String... chunks) throws IOException {
    StringWriter sw = new StringWriter();
    try (Writer w = e.filter(sw)) {
      for (String c : chunks) {
        w.write(c);
      }
    }
    return sw.toString();
  }

  /** Writes {@code text} in the given pieces: each number is where the next piece ends. */
  private String filterCutAt(EntryScrubber e, String text, int... cuts) throws IOException {
    List<String> chunks = new ArrayList<>();
    int from = 0;
    for (int cut : cuts) {
      chunks.add(text.substring(from, cut));
      from = cut;
    }
    chunks.add(text.substring(from));
    return filter(e, chunks.toArray(new String[0]));
  }

  /** What the filter must write: every line (with its '\n') scrubbed on its own. */
  private static String lineByLine(EntryScrubber e, String text) {
    StringBuilder sb = new StringBuilder();
    int from = 0;
    while (from < text.length()) {
      int nl = text.indexOf('\n', from);
      int end = nl < 0 ? text.length() : nl + 1;
      sb.append(e.text(text.substring(from, end)));
      from = end;
    }
    return sb.toString();
  }

  @ParameterizedTest
  @ValueSource(strings = {"pass.word=hunter2xyz", "db pass_word: hunter2xyz", "Pass-Word = hunter2xyz",
      "gpg.pass-phrase=hunter2xyz", "PASS_WORT=hunter2xyz"})
  void aSecretWordSpelledWithSeparatorsInAPlainLineIsStillAKey(String line) throws IOException {
    // Keys ignore separators; the line's pre-check must not let these pass unread to the assignment rule.
    String out = filter(sanitizer.forEntry("app.log"), "12:00:01 INFO started with " + line + "\n");
    assertFalse(out.contains("hunter2xyz"), out);
    assertTrue(out.contains("[REDACTED:"), out);
  }

  @Test
  void redactsPemPrivateKeyBlockAcrossLinesAndWrites() throws IOException {
    EntryScrubber e = sanitizer.forEntry("app.log");
    String out = filter(e, "before\nkey: -----BEGIN RSA PRIV", "ATE KEY-----\nMIIEowIBAAKCAQEA\nq0bqXYZ\n",
        "-----END RSA PRIVATE KEY-----\nafter password=hunter22\n");
    assertFalse(out.contains("MIIEowIBAAKCAQEA") || out.contains("q0bqXYZ") || out.contains("hunter22"), out);
    assertTrue(out.startsWith("before\nkey: -----BEGIN RSA PRIVATE KEY-----[REDACTED:private-key]\n"), out);
    assertTrue(out.contains("-----END RSA PRIVATE KEY-----\nafter password=[REDACTED:"), out);
    assertEquals(1, e.redactions().get("pem-block"));
  }

  @Test
  void keepsPublicCertificates() throws IOException {
    String cert = "-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBaMQswCQYDVQQGEwJJ\n"
        + "-----END CERTIFICATE-----\n";
    assertEquals(cert, filter(sanitizer.forEntry("c.pem"), cert));
  }

  @Test
  void findsASecretSplitAcrossWrites() throws IOException {
    sanitizer.learnLiteral("split-across-writes");
    String out = filter(sanitizer.forEntry("a.log"), "thread spli", "t-across-wr", "ites started\nnext");
    assertEquals("thread " + sanitizer.token("split-across-writes") + " started\nnext", out);
  }

  @Test
  void scrubsLearnedSecretsEverywhereButNotTrivialValues() throws IOException {
    sanitizer.learn("DB_PASSWORD", "Pa55w0rd-prod");
    sanitizer.learn("spring.datasource.url", "jdbc:postgresql://app:UriPw-1234@db/orders");
    sanitizer.learn("APP_MODE", "production");
    sanitizer.learn("API_TOKEN", "abc");
    sanitizer.learn("PWD", "/home/app/current");
    String out = filter(sanitizer.forEntry("threads.txt"),
        "\"worker Pa55w0rd-prod\" #12\nException: login with UriPw-1234 failed in production, abc, /home/app/current\n");
    assertFalse(out.contains("Pa55w0rd-prod") || out.contains("UriPw-1234"), out);
    assertTrue(out.contains("production, abc, /home/app/current"), out);
  }

  @Test
  void learnsMultiLineValuesLineByLine() {
    sanitizer.learn("TLS_KEY", "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG\n-----END PRIVATE KEY-----\n");
    assertTrue(sanitizer.learnedSecrets().contains("MIIEvQIBADANBgkqhkiG"));
    assertFalse(sanitizer.forEntry("x").text("leaked MIIEvQIBADANBgkqhkiG here").contains("MIIEvQIBADANBgkqhkiG"));
  }

  @Test
  void overlappingLearnedSecretsLeaveNothingBehind() {
    sanitizer.learnLiteral("abcdef-123");
    sanitizer.learnLiteral("123-ghijkl");
    String out = sanitizer.forEntry("x").text("see abcdef-123-ghijkl end");
    assertFalse(out.contains("abcdef") || out.contains("ghijkl"), out);
  }

  @Test
  void redactsTreeValuesByKeyAndLearnsThem() {
    EntryScrubber e = sanitizer.forEntry("config.yaml");
    Object tree = e.tree(java.util.Map.of("db", java.util.Map.of("password", "tree-secret-1", "pin", 42,
        "secret", 987654, "region", "eu-west-1", "password.policy", "strict")));
    String s = tree.toString();
    assertFalse(s.contains("tree-secret-1") || s.contains("987654"), s);
    assertTrue(s.contains("eu-west-1") && s.contains("strict") && s.contains("42"), s);
    assertTrue(sanitizer.learnedSecrets().contains("tree-secret-1"));
    assertEquals(2, e.redactions().get(EntryScrubber.BY_KEY));
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 4})
  void writesWhatLineByLineScrubbingWritesHoweverTheTextIsCut(int seed) throws IOException {
    sanitizer.learn("DB_PASSWORD", "Pa55w0rd-prod-db");
    sanitizer.learn("TLS_SECRET", "Ünïcödé-sécret");
    sanitizer.learn("CACHE_TOKEN", "日本-トークン-42");
    // Clean filler (non-ASCII, digits and punctuation that fold onto letters, near-misses of trigger words) and
    // everything a rule or a learned literal finds, in any case; a few lines over 100 000 chars.
    String[] clean = {"order", " ", "  ", "\t", "42", "0x7f", "/v1/orders/", "ä", "€", "—", "日本", "😀", "@`", "_~", "|", "{",
        "}", "Pa55w0rd-prod", "sécret", "tok", "aut", "pas", "ke", "ey", "aw", "sk", "AKI", "://x", "Ü", "トークン"};
    String[] found = {"Pa55w0rd-prod-db", "Ünïcödé-sécret", "日本-トークン-42", "password=hunter22", "PASSWORD: hunter22",
        "Token=abcdef123", "x-api-key=k3y-value", "AUTH='abc def'", "<secret>s3cr3t-xml</secret>", "AKIAIOSFODNN7EXAMPLE",
        "postgres://app:UriPw-1234@db/x", "Bearer 0123456789abcdefABCDEF", "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig", "license_key=Xk9mP2qR7sT4vW1yZ3bN5cD8fG0hJ6"};
    Random rnd = new Random(seed);
    StringBuilder text = new StringBuilder();
    for (int line = 0; line < 2000; line++) {
      boolean longLine = rnd.nextInt(500) == 0;
      int words = longLine ? 25_000 : rnd.nextInt(30);
      int foundOneIn = longLine ? 5000 : 20;
      for (int w = 0; w < words; w++) {
        text.append(rnd.nextInt(foundOneIn) == 0 ? found[rnd.nextInt(found.length)] : clean[rnd.nextInt(clean.length)]);
      }
      text.append('\n');
    }
    if (seed % 2 == 0) {
      text.append("last line without end, password=hunter22");
    }
    String in = text.toString();
    int[] cuts = new int[40];
    for (int i = 0; i < cuts.length; i++) {
      cuts[i] = rnd.nextInt(in.length() + 1);
    }
    Arrays.sort(cuts);

    EntryScrubber streamed = sanitizer.forEntry("a.log");
    EntryScrubber byLine = sanitizer.forEntry("a.log");
    assertEquals(lineByLine(byLine, in), filterCutAt(streamed, in, cuts));
    assertEquals(byLine.redactions(), streamed.redactions());
    assertTrue(streamed.redactions().get(EntryScrubber.LEARNED) > 0, streamed.redactions().toString());
  }

  @Test
  void findsASecretWhereverAWriteEnds() throws IOException {
    sanitizer.learnLiteral("at-the-edge-42");
    String text = "clean line\nat-the-edge-42 starts a line\nends with at-the-edge-42\nAuthorization: Basic dXNlcjpwYXNz\n"
        + "at-the-edge-42";
    for (int cut = 0; cut <= text.length(); cut++) {
      String out = filterCutAt(sanitizer.forEntry("a.log"), text, cut);
      assertFalse(out.contains("at-the-edge") || out.contains("dXNlcjpwYXNz"), "cut at " + cut + ": " + out);
      assertTrue(out.startsWith("clean line\n"), out);
    }
  }

  @Test
  void findsASecretInALineLongerThanAWriteAndKeepsLongCleanLines() throws IOException {
    sanitizer.learnLiteral("deep-in-a-long-line");
    String filler = "x".repeat(300_000);
    String text = "short\n" + filler + " deep-in-a-long-line " + filler + "\n" + filler + "\nTOKEN=after-long-1\n";
    String out = filterCutAt(sanitizer.forEntry("a.log"), text, 3, 65_536, 131_072, 500_000);
    assertFalse(out.contains("deep-in-a-long-line") || out.contains("after-long-1"), "secret left in a long line");
    assertTrue(out.startsWith("short\n" + filler + " [REDACTED:"), "long line changed beyond its secret");
    assertTrue(out.contains("\n" + filler + "\nTOKEN=[REDACTED:"), "long clean line changed");
  }

  @Test
  void matchesTriggerWordsInAnyCaseAndLearnedSecretsInTheirOwn() throws IOException {
    sanitizer.learnLiteral("CaseMatters-1");
    String out = filter(sanitizer.forEntry("a.log"),
        "PassWord=hunter22\nSECRET: abcdef1\ncasematters-1 stays\nCaseMatters-1 goes\n");
    assertFalse(out.contains("hunter22") || out.contains("abcdef1") || out.contains("CaseMatters-1"), out);
    assertTrue(out.contains("casematters-1 stays"), out);
  }
}
