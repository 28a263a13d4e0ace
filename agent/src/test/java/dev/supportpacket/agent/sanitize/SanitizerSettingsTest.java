package dev.supportpacket.agent.sanitize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SanitizerSettingsTest {
  @TempDir Path dir;

  private Path file(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content);
  }

  private Sanitizer withRules(String yaml) throws Exception {
    return Sanitizer.create(SanitizerSettings.load(Optional.of(file("rules.yaml", yaml)), Optional.empty()));
  }

  @Test
  void aLineOnWhichAUserRegexRunsAwayIsReplacedWholeAndCounted() throws Exception {
    Sanitizer s = withRules("patterns:\n  - name: runaway\n    regex: '(.*a){12}$'\n");
    EntryScrubber e = s.forEntry("logs/app.log");
    String line = "GET /orders?token=abc123 user=alice " + "a".repeat(25) + "!\n";
    String out = e.text(line);
    assertEquals("[REDACTED:whole line, rule runaway ran past its work budget]\n", out);
    assertEquals(1, e.redactions().get(EntryScrubber.OVER_BUDGET + "runaway"));
    // The next line, on which the regex finishes, is scrubbed as usual.
    assertEquals("ok\n", e.text("ok\n"));
  }

  @Test
  void aRuleThatRanAwayOnManyTextsGetsOnlyTheLinearBudgetAndStillReplacesThemWhole() {
    RuleBudget budget = new RuleBudget("runaway");
    String line = "x".repeat(200);
    long full = budget.on(line).left();
    for (int i = 0; i < RuleBudget.STRIKES; i++) {
      assertEquals(full, budget.on(line).left());
      budget.overran();
    }
    assertEquals(WorkBudget.WORK_PER_CHAR * 200L, budget.on(line).left());
    assertTrue(full > 10 * WorkBudget.WORK_PER_CHAR * 200L, "the quadratic allowance is what a runaway rule wasted");
  }

  @Test
  void aRunawayRuleKeepsReplacingEveryTextItRunsAwayOn() throws Exception {
    Sanitizer s = withRules("patterns:\n  - name: runaway\n    regex: '(.*a){12}$'\n");
    EntryScrubber e = s.forEntry("heap/histogram.txt");
    String line = "a".repeat(40) + "!\n";
    for (int i = 0; i < 3 * RuleBudget.STRIKES; i++) {
      assertEquals("[REDACTED:whole line, rule runaway ran past its work budget]\n", e.text(line));
    }
    assertEquals(3 * RuleBudget.STRIKES, e.redactions().get(EntryScrubber.OVER_BUDGET + "runaway"));
    // A text it finishes on in linear work is still scrubbed as usual.
    assertEquals("ok\n", e.text("ok\n"));
  }

  @Test
  void aUserRegexThatRecursesPastTheStackIsAnOverrunToo() throws Exception {
    Sanitizer s = withRules("patterns:\n  - name: deep\n    regex: '(?:a|b)*c'\n");
    EntryScrubber e = s.forEntry("logs/app.log");
    assertTrue(e.text("ab".repeat(200_000)).startsWith("[REDACTED:whole line, rule deep"));
    assertEquals("xabc".replace("abc", s.token("abc")), s.forEntry("x").text("xabc"));
  }

  @Test
  void userRulesAddKeysPatternsAndLiteralsAndDeclareKeysReadable() throws Exception {
    Sanitizer s = withRules("secret_keys: [session-cookie, x-acme-sig]\n"
        + "not_secret_keys: [token.ttl, db.secret.hint]\n"
        + "patterns:\n"
        + "  - name: acme\n"
        + "    regex: 'acme_[A-Za-z0-9]{32}'\n"
        + "  - name: acme-order-pin\n"
        + "    regex: 'order pin (?<s>\\d{6})'\n"
        + "literals: ['my-literal-secret']\n");
    assertTrue(s.isSecretKey("X_ACME_SIG"));
    assertTrue(s.isSecretKey("app.session-cookie"));
    assertFalse(s.isSecretKey("DB_SECRET_HINT"));
    EntryScrubber e = s.forEntry("app.log");
    String out = e.text("x-acme-sig: zz9plural, acme_0123456789abcdef0123456789abcdef, order pin 123456, "
        + "my-literal-secret, token.ttl=3600");
    assertFalse(out.contains("zz9plural") || out.contains("acme_0123") || out.contains("123456,")
        || out.contains("my-literal-secret"), out);
    assertTrue(out.contains("order pin [REDACTED:") && out.contains("token.ttl=3600"), out);
    assertEquals(Map.of("assignment", 1, "acme", 1, "acme-order-pin", 1, "learned", 1), e.redactions());
  }

  @Test
  void emptyFileMeansBuiltInRules() throws Exception {
    assertTrue(withRules("").isSecretKey("password"));
  }

  @Test
  void badFilesFailFastNamingFileAndProblem() throws IOException {
    assertBad("patterns:\n  - name: broken\n    regex: 'acme_[A-Z'\n", "pattern 'broken': the regex does not compile");
    assertBad("patterns:\n  - name: Bad Name\n    regex: x\n", "patterns[0] needs a 'name'");
    assertBad("patterns:\n  - name: jwt\n    regex: x\n", "already used");
    assertBad("patterns:\n  - name: empty\n    regex: 'a*'\n", "matches the empty string");
    assertBad("secrets_keys: [a]\n", "has a section that is not one of");
    assertBad("literals: ['abc']\n", "literals[0] is shorter than 4");
    assertBad("secret_keys: password\n", "'secret_keys' must be a list");
    assertBad("secret_keys: [a\n", "not valid YAML");
    InvalidSettingsException e = assertThrows(InvalidSettingsException.class,
        () -> SanitizerSettings.load(Optional.of(dir.resolve("missing.yaml")), Optional.empty()));
    assertTrue(e.getMessage().contains("missing.yaml"), e.getMessage());
  }

  private void assertBad(String yaml, String problem) throws IOException {
    Path f = file("bad.yaml", yaml);
    InvalidSettingsException e = assertThrows(InvalidSettingsException.class,
        () -> SanitizerSettings.load(Optional.of(f), Optional.empty()));
    assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains(problem), e.getMessage());
  }

  @Test
  void siteKeyMakesTokensMatchAcrossPackets() throws Exception {
    Path key = file("site.key", "0123456789abcdef0123456789abcdef\n");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    Sanitizer a = Sanitizer.create(SanitizerSettings.load(Optional.empty(), Optional.of(key)));
    Sanitizer b = Sanitizer.create(SanitizerSettings.load(Optional.empty(), Optional.of(key)));
    assertTrue(a.usesSiteKey());
    assertEquals(a.token("hunter2"), b.token("hunter2"));
    assertNotEquals(Sanitizer.withRandomKey().token("hunter2"), Sanitizer.withRandomKey().token("hunter2"));
  }

  @Test
  void siteKeyFileMustBePrivateAndLongEnough() throws IOException {
    Path open = file("open.key", "0123456789abcdef0123456789abcdef");
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));
    InvalidSettingsException e = assertThrows(InvalidSettingsException.class,
        () -> SanitizerSettings.load(Optional.empty(), Optional.of(open)));
    assertTrue(e.getMessage().contains("readable by other users"), e.getMessage());
    Path shortKey = file("short.key", "abc\n");
    Files.setPosixFilePermissions(shortKey, PosixFilePermissions.fromString("rw-------"));
    e = assertThrows(InvalidSettingsException.class, () -> SanitizerSettings.load(Optional.empty(), Optional.of(shortKey)));
    assertTrue(e.getMessage().contains("at least 16"), e.getMessage());
  }
}
