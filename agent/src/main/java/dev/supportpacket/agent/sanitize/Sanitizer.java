package dev.supportpacket.agent.sanitize;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The one place that decides what is secret in a packet. Every entry is written through an {@link EntryScrubber}
 * obtained from {@link #forEntry}; nothing reaches the archive any other way.
 *
 * <p>A secret is replaced by {@code [REDACTED:xxxxxxxx]}: the first 32 bits of HMAC-SHA256(key, secret). The key is
 * random per packet (never stored) unless a site key is given, so the same secret reads the same across the packet
 * and cannot be recovered or brute-forced from the token. Thread-safe.
 */
public final class Sanitizer {
  /** Recorded in metadata.yaml: bump when the rules change what they redact. */
  public static final int VERSION = 1;

  /** Values shorter than this are not learned: scrubbing "on" or "42" everywhere would wreck the packet. */
  static final int MIN_LEARNED_LENGTH = 6;

  private final byte[] key;
  private final boolean siteKey;
  private final SecretKeys secretKeys;
  private final List<PatternRule> patterns;
  private final Set<String> learned = ConcurrentHashMap.newKeySet();
  private volatile Pattern learnedPattern;

  private Sanitizer(byte[] key, boolean siteKey, SecretKeys secretKeys, List<PatternRule> patterns) {
    this.key = key.clone();
    this.siteKey = siteKey;
    this.secretKeys = secretKeys;
    this.patterns = List.copyOf(patterns);
  }

  /** A sanitizer with a fresh random key: tokens match within one packet only. */
  public static Sanitizer withRandomKey() {
    byte[] k = new byte[32];
    new SecureRandom().nextBytes(k);
    return new Sanitizer(k, false, SecretKeys.defaults(), PatternRule.defaults());
  }

  /** A sanitizer whose tokens match across packets of the same site. */
  public static Sanitizer withSiteKey(String siteKey) {
    return new Sanitizer(siteKey.getBytes(StandardCharsets.UTF_8), true, SecretKeys.defaults(), PatternRule.defaults());
  }

  public boolean usesSiteKey() {
    return siteKey;
  }

  /** True when a value stored under this key (property, variable, config entry, argument) is a secret. */
  public boolean isSecretKey(String name) {
    return secretKeys.isSecret(name);
  }

  /**
   * Learns the secrets of one key/value pair: the whole value when the key is secret, otherwise whatever the
   * patterns find inside it. Learned values are scrubbed literally from every entry written afterwards.
   */
  public void learn(String name, String value) {
    if (value == null) {
      return;
    }
    if (isSecretKey(name)) {
      learnLiteral(value);
    } else {
      for (PatternRule rule : patterns) {
        rule.secretsIn(value).forEach(this::learnLiteral);
      }
    }
  }

  /** Learns one literal secret value; trivial values are ignored. */
  public void learnLiteral(String value) {
    String v = value == null ? "" : value.strip();
    if (v.length() < MIN_LEARNED_LENGTH || v.startsWith("[REDACTED:")) {
      return;
    }
    if (learned.add(v)) {
      learnedPattern = null;
    }
  }

  /** Every literal learned so far, for the final check before the archive is sealed. */
  public Set<String> learnedSecrets() {
    return Set.copyOf(learned);
  }

  /** A scrubber for one entry: it counts its own redactions for the report. */
  public EntryScrubber forEntry(String entryName) {
    return new EntryScrubber(this, entryName);
  }

  /** The one-way token that stands for a secret. */
  public String token(String secret) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      byte[] h = mac.doFinal(secret.getBytes(StandardCharsets.UTF_8));
      return String.format("[REDACTED:%02x%02x%02x%02x]", h[0], h[1], h[2], h[3]);
    } catch (GeneralSecurityException e) {
      // HmacSHA256 is mandatory on every JDK; fall back to a token that still hides the value.
      return "[REDACTED]";
    }
  }

  List<PatternRule> patterns() {
    return patterns;
  }

  /** One alternation of every learned literal, longest first so that a secret is never cut by its own prefix. */
  Pattern learnedPattern() {
    Pattern p = learnedPattern;
    if (p == null && !learned.isEmpty()) {
      List<String> all = new ArrayList<>(learned);
      all.sort(Comparator.comparingInt(String::length).reversed());
      StringBuilder sb = new StringBuilder();
      for (String s : all) {
        sb.append(sb.length() == 0 ? "" : "|").append(Pattern.quote(s));
      }
      p = Pattern.compile(sb.toString());
      learnedPattern = p;
    }
    return p;
  }
}
