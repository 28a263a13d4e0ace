package dev.supportpacket.agent.sanitize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Each built-in rule on real-world shaped text: the secret goes, the rest of the line stays, the rule is counted. */
class PatternRulesTest {
  private final Sanitizer sanitizer = Sanitizer.withRandomKey();

  /** Scrubs {@code line}, checks that {@code secret} is gone and was counted under {@code rule}; returns the result. */
  private String redacts(String rule, String line, String secret) {
    EntryScrubber e = sanitizer.forEntry("app.log");
    String out = e.text(line);
    assertFalse(out.contains(secret), () -> rule + " left the secret in: " + out);
    assertTrue(out.contains(sanitizer.token(secret)), () -> "expected the token of the secret in: " + out);
    assertEquals(Map.of(rule, 1), e.redactions(), () -> "counts for: " + out);
    return out;
  }

  private void keeps(String line) {
    EntryScrubber e = sanitizer.forEntry("app.log");
    assertEquals(line, e.text(line));
    assertEquals(Map.of(), e.redactions());
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "$1$saltsalt$qRPK7m23GJusamGpoGLby/",
    "$5$rounds=5000$saltsalt$Gcm6FsVtF/Qa77ZKD.iwsJlCVPY0XSMgLJL0Hnww/c1",
    "$6$V0ZtkL4pyk0W$2xvF5S1ivbJmcIDnHCYSzD0P7eTE9s0x0Ajcq9hMnf3wXdWfnxmxo6mKBUvoTm4eXFW9Uvc5Jv4RkQm9cA/w71",
    "$y$j9T$F5Jx5fExrKuPp53xLKQ..1$X3DX6M94c7o.9agCG9G317fhZg9SqC.5i5rd.RhAtQ7",
    "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW",
    "$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG"
  })
  void redactsCryptHashesButKeepsTheAlgorithm(String hash) {
    String id = hash.substring(0, hash.indexOf('$', 1) + 1);
    String secret = hash.substring(id.length());
    String out = redacts("crypt-hash", "root:" + hash + ":19700:0:99999:7:::", secret);
    assertTrue(out.startsWith("root:" + id + "[REDACTED:") && out.endsWith(":19700:0:99999:7:::"), out);
  }

  @Test
  void keepsDollarSignsThatAreNoHash() {
    keeps("price: $1$ per unit, replace with s/(a)(b)/$1$2/ and echo $6$HOME");
  }

  @Test
  void oneValueGetsOneTokenInAUrlAndInAParameterMap() {
    EntryScrubber e = sanitizer.forEntry("app.log");
    String token = sanitizer.token("abc123secretvalue");
    assertEquals("GET /x?api_key=" + token + "&y=1", e.text("GET /x?api_key=abc123secretvalue&y=1"));
    assertEquals("params {api_key=[" + token + "], user=[bob]}",
        e.text("params {api_key=[abc123secretvalue], user=[bob]}"));
    assertEquals("api_key:[" + token + "]", e.text("api_key:[abc123secretvalue]"));
  }

  @Test
  void keepsTheSchemeAndBracketsOfAnAuthorizationHeaderInAMap() {
    EntryScrubber e = sanitizer.forEntry("app.log");
    String token = sanitizer.token("abc123def456ghi789");
    assertEquals("headers {Authorization=[Bearer " + token + "], Accept=[*/*]}",
        e.text("headers {Authorization=[Bearer abc123def456ghi789], Accept=[*/*]}"));
    assertEquals("[Authorization:\"Bearer " + token + "\", Accept:\"*/*\"]",
        e.text("[Authorization:\"Bearer abc123def456ghi789\", Accept:\"*/*\"]"));
    assertEquals("x-api-token: \"Token " + sanitizer.token("s3cr3t") + "\"", e.text("x-api-token: \"Token s3cr3t\""));
  }

  @Test
  void keepsShellWorkingDirectoriesButNotOdbcPasswords() {
    keeps("env {PWD=/srv/orders, OLDPWD=/home/app, SHLVL=1}");
    redacts("assignment", "Driver={ODBC Driver 18};Server=db;UID=sa;PWD=Tr0ub4dor3x;", "Tr0ub4dor3x");
  }

  @Test
  void redactsPasswordInUriUserInfo() {
    String out = redacts("uri-userinfo", "connecting to postgresql://app:S3cr3t-pw@db.internal:5432/orders", "S3cr3t-pw");
    assertTrue(out.contains("postgresql://app:") && out.contains("@db.internal:5432/orders"), out);
  }

  @Test
  void redactsUriPasswordThatHoldsAnAtSign() {
    redacts("uri-userinfo", "amqp://guest:p@ss@rabbit:5672/", "p@ss");
  }

  @Test
  void redactsPasswordInJdbcUrls() {
    redacts("assignment", "jdbc:sqlserver://db:1433;databaseName=orders;user=sa;password=Tr0ub4dor&3x;", "Tr0ub4dor");
    redacts("assignment", "jdbc:postgresql://db/orders?user=app&password=hunter2hunter2&ssl=true", "hunter2hunter2");
    redacts("assignment", "jdbc:mysql://db/orders?user=app&pwd=qwerty123", "qwerty123");
    redacts("oracle-connect", "jdbc:oracle:thin:scott/tiger123@//db.example:1521/ORCL", "tiger123");
  }

  @Test
  void redactsKeysOfAzureAndAdoConnectionStrings() {
    String azure = "DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA+/==;"
        + "EndpointSuffix=core.windows.net";
    String out = redacts("assignment", azure, "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA+/==");
    assertTrue(out.contains("AccountName=acme;") && out.contains("EndpointSuffix=core.windows.net"), out);
    redacts("assignment", "Server=tcp:db,1433;Database=orders;User ID=sa;Password=Sup3rS3cret!;", "Sup3rS3cret!");
    redacts("assignment",
        "Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKeyName=root;SharedAccessKey=abcDEF123456ghiJKL789=",
        "abcDEF123456ghiJKL789=");
    redacts("azure-sas", "GET https://acme.blob.core.windows.net/c/f.txt?sv=2022-11-02&sp=r&sig=aBcD%2FeFgH1234567890xyz%3D",
        "aBcD%2FeFgH1234567890xyz%3D");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "2024-05-01 12:00:01 WARN login failed password=hunter2! for user bob|hunter2!",
        "db.password: s3cr3t-value|s3cr3t-value",
        "{\"user\": \"bob\", \"password\": \"correct horse battery\"}|correct horse battery",
        "client_secret='abc123def456'|abc123def456",
        "--api-key=0a1b2c3d4e5f|0a1b2c3d4e5f",
        "-Djavax.net.ssl.keyStorePassword=changeme1|changeme1",
        "<password>xml-secret-1</password>|xml-secret-1",
        "export GITLAB_ACCESS_TOKEN=abcdef123456|abcdef123456",
        ":access_token => 'ruby-token-99'|ruby-token-99",
        "session_id=9f8e7d6c5b4a|9f8e7d6c5b4a",
        "spring.datasource.password = pw-with-spaces-around|pw-with-spaces-around",
      })
  void redactsAssignmentsInLogLines(String line, String secret) {
    redacts("assignment", line, secret);
  }

  @Test
  void redactsAuthorizationHeaders() {
    redacts("authorization-header", "> Authorization: Basic YWxhZGRpbjpvcGVuc2VzYW1l", "YWxhZGRpbjpvcGVuc2VzYW1l");
    redacts("authorization-header", "headers={Authorization=Bearer abc.def-ghi_123456}", "abc.def-ghi_123456");
    redacts("bearer-scheme", "curl -H 'X-Auth: Bearer 0123456789abcdefABCDEF' https://api", "0123456789abcdefABCDEF");
    redacts("basic-scheme", "proxy answered with Basic YWxhZGRpbjpvcGVuc2VzYW1l", "YWxhZGRpbjpvcGVuc2VzYW1l");
    redacts("cookie-header", "Cookie: JSESSIONID=0A1B2C3D4E; theme=dark", "JSESSIONID=0A1B2C3D4E; theme=dark");
  }

  @Test
  void redactsJwt() {
    String jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
    redacts("jwt", "token refreshed for request id=42: " + jwt + " (expires in 300s)", jwt);
  }

  @Test
  void redactsPrivateKeyBlockInOneString() {
    String pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7x\nq0bq\n-----END RSA PRIVATE KEY-----";
    String out = sanitizer.forEntry("c.yaml").text(pem);
    assertFalse(out.contains("MIIEowIBAAKCAQEA7x"), out);
    assertTrue(out.startsWith("-----BEGIN RSA PRIVATE KEY-----") && out.endsWith("-----END RSA PRIVATE KEY-----"), out);
  }

  @Test
  void redactsCloudKeys() {
    redacts("aws-access-key-id", "using credentials AKIAIOSFODNN7EXAMPLE from profile default", "AKIAIOSFODNN7EXAMPLE");
    redacts("aws-secret-access", "AWS secret key, wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
    redacts("assignment", "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
    redacts("google-api", "maps call https://maps.googleapis.com/maps/api/geocode/json?address=x&k=AIzaSyA1b2C3d4E5f6G7h8I9j0KlMnOpQrStUvW",
        "AIzaSyA1b2C3d4E5f6G7h8I9j0KlMnOpQrStUvW");
    redacts("assignment", "\"private_key\": \"-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBg\\n-----END PRIVATE KEY-----\\n\",",
        "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBg\\n-----END PRIVATE KEY-----\\n");
    redacts("google-oauth-client", "client GOCSPX-abcdefghijklmnopqrstuvwxyz12 loaded", "GOCSPX-abcdefghijklmnopqrstuvwxyz12");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "github|cloning with ghp_R2d2C3poR2d2C3poR2d2C3poR2d2C3po1234 as credential|ghp_R2d2C3poR2d2C3poR2d2C3poR2d2C3po1234",
        "github|GH token ghs_0123456789abcdefghijABCDEFGHIJ012345 used|ghs_0123456789abcdefghijABCDEFGHIJ012345",
        "github|using github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz here|github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz",
        "gitlab|runner glpat-xY3zA1bC2dE3fG4hI5jK registered|glpat-xY3zA1bC2dE3fG4hI5jK",
        "slack|bot xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOp connected|xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOp",
        "slack|socket mode with xapp-1-A0123456789-1234567890123-abcdef0123 ok|xapp-1-A0123456789-1234567890123-abcdef0123",
        "slack-webhook|posting to https://hooks.slack.com/services/T0000/B0000/XXXXXXXXXXXXXXXXXXXX failed|T0000/B0000/XXXXXXXXXXXXXXXXXXXX",
        "stripe|charge via sk_live_4eC39HqLyjWDarjtT1zdp7dc failed|sk_live_4eC39HqLyjWDarjtT1zdp7dc",
        "stripe|restricted rk_live_51H8abcdefGHIJKLmnop in use|rk_live_51H8abcdefGHIJKLmnop",
        "stripe|test mode sk_test_26PHem9AhJZvU623DfE1x4sd|sk_test_26PHem9AhJZvU623DfE1x4sd",
        "sendgrid|mail 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 sent|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",
        "npm|//registry.npmjs.org/:_authToken npm_abcdefghijABCDEFGHIJ0123456789abcdef|npm_abcdefghijABCDEFGHIJ0123456789abcdef",
        "pypi|upload with pypi-AgEIcHlwaS5vcmcCJGI4YmNhMDA5LTg0ZjMtNGQ1NS1iNGEzLTk2NjE4ZmNhNmE3NwACKlszLCJ6|pypi-AgEIcHlwaS5vcmcCJGI4YmNhMDA5LTg0ZjMtNGQ1NS1iNGEzLTk2NjE4ZmNhNmE3NwACKlszLCJ6",
        "heroku|heroku login HRKU-AAbbCCddEEffGGhhIIjjKKllMMnnOOppQQrr done|HRKU-AAbbCCddEEffGGhhIIjjKKllMMnnOOppQQrr",
        "openai|calling with sk-proj-abcdefghijklmnopqrstT3BlbkFJabcdefghijklmnopqrst now|sk-proj-abcdefghijklmnopqrstT3BlbkFJabcdefghijklmnopqrst",
        "anthropic|key sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123 set|sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123",
        "datadog|agent DD_API_KEY 0123456789abcdef0123456789abcdef starting|0123456789abcdef0123456789abcdef",
        "high-entropy|license key: Xk9mP2qR7sT4vW1yZ3bN5cD8fG0hJ6 accepted|Xk9mP2qR7sT4vW1yZ3bN5cD8fG0hJ6",
      })
  void redactsSaasTokens(String rule, String line, String secret) {
    redacts(rule, line, secret);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "2024-05-01 12:00:01 INFO  [main] c.a.AuthFilter: started in 35 ms",
        "\tat com.acme.auth.TokenService.refresh(TokenService.java:42)",
        "commit 9fceb02d0ae598e95dc970b74767f19372d61af8 by author=bob",
        "request 123e4567-e89b-12d3-a456-426614174000 took 12 ms",
        "password.policy=strict",
        "token.ttl=3600",
        "secret.enabled=true",
        "auth.enabled: false",
        "cache key=user:42 evicted",
        "key=value",
        "Reading the password file /etc/app/pw.txt",
        "oauth2.client.registration.google.client-id=1234.apps.googleusercontent.com",
        "spring.security.oauth2.client.provider.acme.authorization-uri=https://sso.acme.com/auth",
        "basic information about the system: 8 cpus",
        "Region=eu-west-1, batchSize=500, host=db.internal, user.name=bob",
        "List<Token>tokens = new ArrayList<>();",
        "https://repo.maven.apache.org:443/maven2/org/foo",
        "password=${DB_PASSWORD}",
        "password=********",
        "tokenizer.class=org.acme.Tokenizer",
        "Asia/Tokyo timezone set for sk_ user",
        "user@example.com logged in from 10.0.0.1:5432",
        "by-key=3 learned=2 assignment=1 github=1",
      })
  void keepsNearMissesReadable(String line) {
    keeps(line);
  }

  @Test
  void sameSecretGetsSameTokenAcrossEntries() {
    String a = sanitizer.forEntry("a.log").text("password=samesecret1");
    String b = sanitizer.forEntry("b.log").text("pwd: samesecret1");
    assertEquals(a.substring(a.indexOf('[')), b.substring(b.indexOf('[')));
  }

  @Test
  void redactsEverySecretOfALineOnce() {
    EntryScrubber e = sanitizer.forEntry("app.log");
    String out = e.text("user=bob password=first1 token=second2 url=redis://:third3333@cache:6379");
    assertFalse(out.contains("first1") || out.contains("second2") || out.contains("third3333"), out);
    assertTrue(out.contains("user=bob"), out);
    assertEquals(Map.of("assignment", 2, "uri-userinfo", 1), e.redactions());
  }

  private static PatternRule assignmentRule() {
    return PatternRule.defaults(SecretKeys.defaults()).stream()
        .filter(r -> r.name.equals("assignment"))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void assignmentPreCheckNeverSkipsALineTheRegexFindsASecretIn() {
    PatternRule rule = assignmentRule();
    // Keys, separators and values in every shape the regex knows, glued at random.
    String[] parts = {"password", "Password", "db.password", "api_key", "x-api-key", "apiKey2", "tokens", "auth", "secret",
        "user", "c.acme.auth.TokenService", "List", "Token", "pass.word", "_pwd", "-token", "9token", "password.policy",
        "=", "=>", ":", " = ", "  :", "   =", "    =", "\t:", "\"", "'", "\":", "':", "<", ">", "</", " ", ",", ";", "&", "?",
        ".", "-", "_", "hunter22", "s3cr3t", "${X}", "bob", "ü", "日本", "\\\""};
    Random rnd = new Random(11);
    int found = 0;
    for (int i = 0; i < 50_000; i++) {
      StringBuilder sb = new StringBuilder();
      for (int n = rnd.nextInt(12); n >= 0; n--) {
        sb.append(parts[rnd.nextInt(parts.length)]);
      }
      String line = sb.toString();
      if (!rule.secretsIn(line).isEmpty()) {
        found++;
        assertTrue(rule.mayFindIn(line), () -> "pre-check skipped: " + line);
      }
    }
    assertTrue(found > 2_000, "too few lines with a secret to mean anything: " + found);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "2024-05-01 12:00:01 INFO 4711 --- [main] c.acme.auth.TokenService : Order 42 moved to PAID",
        "Token validated for user 42, expires in 3600 s, scope=orders.read",
        "\tat com.acme.auth.TokenService.refresh(TokenService.java:42)",
      })
  void assignmentPreCheckSkipsLinesThatOnlyMentionASecretWord(String line) {
    assertFalse(assignmentRule().mayFindIn(line), line);
  }
}
