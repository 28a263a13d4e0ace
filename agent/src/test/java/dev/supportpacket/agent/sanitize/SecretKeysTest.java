package dev.supportpacket.agent.sanitize;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SecretKeysTest {
  private final SecretKeys keys = SecretKeys.defaults();

  @ParameterizedTest
  @ValueSource(
      strings = {
        "password", "DB_PASSWORD", "spring.datasource.password", "dbPassword", "passwd", "MYSQL_PWD", "db.pwd",
        "client-secret", "CLIENT_SECRET", "api.key", "X-API-KEY", "apiKey", "GITHUB_TOKEN", "access_token",
        "refreshToken", "credentials", "AZURE_CLIENT_CREDENTIAL", "private_key", "privateKey",
        "aws_secret_access_key", "AWS_SECRET_ACCESS_KEY", "jwt.signing-key", "password.salt", "ssl.passphrase",
        "REDIS_AUTH", "Authorization", "proxy-authorization", "session-cookie", "JSESSIONID", "sessionId",
        "javax.net.ssl.keyStorePassword", "encryption.key", "master_key", "DD_APP_KEY", "webhook.secret.value",
        "password2", "token_1", "AccountKey", "SharedAccessKey"
      })
  void secretKeys(String key) {
    assertTrue(keys.isSecret(key), key);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "region", "aws.region", "batch.size", "host.name", "user.name", "USER", "token.ttl", "TOKEN_TTL",
        "auth.enabled", "password.policy", "password.min-length", "author", "AUTHORITY", "secret.enabled",
        "db.password.file", "DB_PASSWORD_FILE", "jwt.token.expiration", "PWD", "OLDPWD", "tokenizer", "keyStore",
        "java.security.auth.login.config", "jdk.http.auth.tunneling.disabledSchemes", "SSH_AUTH_SOCK",
        "spring.security.oauth2.client.provider.acme.authorization-uri", "XAUTHORITY", "secret.name",
        "aws_access_key_id", "authentication.method", "GOOGLE_APPLICATION_CREDENTIALS", "cookie.name",
        "password.encoder", "key", "monkey", "hash"
      })
  void settingKeys(String key) {
    assertFalse(keys.isSecret(key), key);
  }

  @Test
  void inTextOnlyKeysEndingInASecretWord() {
    assertTrue(keys.isSecretInText("password"));
    assertTrue(keys.isSecretInText("-Ddb.password"));
    assertTrue(keys.isSecretInText("ACCESS_TOKENS"));
    assertTrue(keys.isSecretInText("api_key"));
    assertFalse(keys.isSecretInText("TokenService.java"));
    assertFalse(keys.isSecretInText("c.a.AuthFilter"));
    assertFalse(keys.isSecretInText("password.policy.name"));
    assertFalse(keys.isSecretInText("secret.unknownsuffix"));
  }

  @Test
  void userKeysAddAndRemove() {
    SecretKeys k = SecretKeys.with(List.of("x-acme-sig", "session-cookie"), List.of("token.ttl.raw", "db.secret"));
    assertTrue(k.isSecret("X_ACME_SIG"));
    assertTrue(k.isSecretInText("xAcmeSig"));
    assertTrue(k.textTriggers().contains("x_acme_sig"));
    assertFalse(k.isSecret("app.token.ttl.raw"));
    assertFalse(k.isSecret("DB_SECRET"));
    assertTrue(k.isSecret("db.secret2"));
  }
}
