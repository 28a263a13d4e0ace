package dev.supportpacket.agent.sanitize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import org.junit.jupiter.api.Test;

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
}
