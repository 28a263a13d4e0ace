package dev.supportpacket.agent.sanitize;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
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
  public static final int VERSION = 3;

  /** Values shorter than this are not learned: scrubbing "on" or "42" everywhere would wreck the packet. */
  static final int MIN_LEARNED_LENGTH = 6;

  /** The first four bytes of an {@linkplain #exportState exported state}. */
  private static final int STATE_MAGIC = 0x53505331;

  private final byte[] key;
  private final boolean siteKey;
  private final SecretKeys secretKeys;
  private final TextRules rules;
  private final Set<String> learned = ConcurrentHashMap.newKeySet();
  private final AtomicInteger learnedVersion = new AtomicInteger();
  private volatile Learned learnedCache;

  private Sanitizer(byte[] key, boolean siteKey, SecretKeys secretKeys, List<PatternRule> patterns) {
    this(key, siteKey, secretKeys, new TextRules(patterns));
  }

  private Sanitizer(byte[] key, boolean siteKey, SecretKeys secretKeys, TextRules rules) {
    this.key = key.clone();
    this.siteKey = siteKey;
    this.secretKeys = secretKeys;
    this.rules = rules;
  }

  /** A sanitizer with a fresh random key and the built-in rules: tokens match within one packet only. */
  public static Sanitizer withRandomKey() {
    return create(SanitizerSettings.defaults());
  }

  /** A sanitizer with the built-in rules plus the user's, keyed by the site key when the settings carry one. */
  public static Sanitizer create(SanitizerSettings settings) {
    byte[] k = settings.siteKey();
    if (k == null) {
      k = new byte[32];
      new SecureRandom().nextBytes(k);
    }
    return withKey(settings, k);
  }

  /** The rules of {@code settings} with key {@code k}: the site key's, or one of this packet's own. */
  private static Sanitizer withKey(SanitizerSettings settings, byte[] k) {
    boolean site = settings.siteKey() != null;
    SecretKeys keys = SecretKeys.with(settings.secretKeys(), settings.notSecretKeys());
    List<PatternRule> patterns = new ArrayList<>(PatternRule.defaults(keys));
    patterns.addAll(settings.patterns());
    Sanitizer s = new Sanitizer(k, site, keys, patterns);
    for (String literal : settings.literals()) {
      s.learnAlways(literal);
    }
    return s;
  }

  /**
   * Writes what makes this sanitizer's tokens and literal scrubbing what they are: its key and every literal learned
   * so far. For the attach CLI that rewrites a recording outside the target with the same sanitizer ({@link
   * #restore}); it is key material, so the caller writes it only into a file no other user can read, deletes it
   * when done, and never into a packet.
   */
  public void exportState(OutputStream out) throws IOException {
    DataOutputStream d = new DataOutputStream(out);
    d.writeInt(STATE_MAGIC);
    d.writeInt(key.length);
    d.write(key);
    List<String> literals = new ArrayList<>(learned);
    d.writeInt(literals.size());
    for (String l : literals) {
      byte[] b = l.getBytes(StandardCharsets.UTF_8);
      d.writeInt(b.length);
      d.write(b);
    }
    d.flush();
  }

  /**
   * The sanitizer whose state {@link #exportState} wrote, with the rules of {@code settings} (the same files the
   * exporting side loaded): its tokens are the exporter's, and it scrubs the same learned literals.
   *
   * @throws IOException when {@code in} is not such a state, or is larger than a state can be
   */
  public static Sanitizer restore(SanitizerSettings settings, InputStream in) throws IOException {
    DataInputStream d = new DataInputStream(in);
    if (d.readInt() != STATE_MAGIC) {
      throw new IOException("not a sanitizer state");
    }
    byte[] k = new byte[bounded(d.readInt(), 1024)];
    d.readFully(k);
    // Not create(): its key would be thrown away, and a SecureRandom seeded for it on the packet's clock.
    Sanitizer restored = withKey(settings, k);
    int n = bounded(d.readInt(), 1 << 20);
    for (int i = 0; i < n; i++) {
      byte[] b = new byte[bounded(d.readInt(), 1 << 20)];
      d.readFully(b);
      restored.learnAlways(new String(b, StandardCharsets.UTF_8));
    }
    restored.learnedVersion.incrementAndGet();
    return restored;
  }

  private static int bounded(int n, int max) throws IOException {
    if (n < 0 || n > max) {
      throw new IOException("not a sanitizer state (a length of " + n + ")");
    }
    return n;
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
    if (value == null || value.isEmpty()) {
      return;
    }
    if (isSecretKey(name)) {
      if (!PatternRule.isPlaceholder(value)) {
        learnLiteral(value);
      }
    } else {
      rules.scan(value, (rule, start, end, secret) -> learnLiteral(secret));
    }
  }

  /**
   * Learns one literal secret value; trivial values (shorter than {@value #MIN_LEARNED_LENGTH}) are ignored. A value
   * of several lines (a PEM key in a variable) is learned line by line, since text is scrubbed line by line.
   */
  public void learnLiteral(String value) {
    if (value == null) {
      return;
    }
    for (String line : value.split("\\r?\\n|\\\\n")) {
      String v = line.strip();
      if (v.length() >= MIN_LEARNED_LENGTH && !v.startsWith("[REDACTED")) {
        learnAlways(v);
      }
    }
  }

  private void learnAlways(String v) {
    if (learned.add(v)) {
      learnedVersion.incrementAndGet();
    }
  }

  /** Every literal learned so far, for the final check before an entry is committed. */
  public Set<String> learnedSecrets() {
    return Set.copyOf(learned);
  }

  /**
   * True when the bytes hold any learned secret, encoded as UTF-8 (which covers ASCII secrets in every JFR string
   * encoding too). Reads {@code in} to its end or to the first hit; does not close it.
   */
  public boolean holdsLearnedSecret(InputStream in) throws IOException {
    Grams lits = learned().bytes;
    if (lits.isEmpty()) {
      return false;
    }
    // Each read lands after the last (longest literal - 1) bytes of the previous one, so that a secret spanning
    // two reads is seen whole. Bytes are searched as ISO-8859-1 chars, one char per byte, as the literals are.
    int overlap = lits.maxLength() - 1;
    byte[] buf = new byte[64 * 1024 + overlap];
    char[] chars = new char[buf.length];
    int kept = 0;
    int n;
    while ((n = in.read(buf, kept, buf.length - kept)) > 0) {
      int filled = kept + n;
      for (int i = kept; i < filled; i++) {
        chars[i] = (char) (buf[i] & 0xff);
      }
      if (lits.foundIn(chars, 0, filled)) {
        return true;
      }
      kept = Math.min(overlap, filled);
      System.arraycopy(chars, filled - kept, chars, 0, kept);
    }
    return false;
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

  TextRules rules() {
    return rules;
  }

  /** What {@link #detect} reports: the name of the rule that matched and the value it would replace. */
  public interface Detection {
    void found(String rule, String secret);
  }

  /**
   * Tells every value in {@code text} that this sanitizer's pattern rules would replace, in rule order, and replaces
   * nothing: {@code attach.jar scan} checks a packet with the very rules that wrote it. Learned secrets do not count:
   * a packet on disk cannot know them.
   */
  public void detect(String text, Detection detection) {
    rules.scan(text, (rule, start, end, secret) -> detection.found(rule.name, secret));
  }

  /**
   * The end of the whole lines at the start of {@code b[from, to)} that certainly hold nothing to redact: none of the
   * rules' trigger words and no learned secret (see {@link Grams#endOfCleanLines}). The streaming filter passes
   * them on without scrubbing them.
   */
  int endOfCleanLines(char[] b, int from, int to) {
    return rules.runsOnEveryLine() ? from : learned().screen.endOfCleanLines(b, from, to);
  }

  /** The learned literals as one matcher, rebuilt only when something new was learned. */
  Grams learnedLiterals() {
    return learned().chars;
  }

  private Learned learned() {
    Learned c = learnedCache;
    int v = learnedVersion.get();
    if (c == null || c.version != v) {
      // The snapshot is taken after reading the version, so it holds at least everything up to that version.
      c = new Learned(v, new ArrayList<>(learned), rules);
      learnedCache = c;
    }
    return c;
  }

  /** Learned literals compiled for text and for raw bytes, at one version of the learned set. */
  private static final class Learned {
    final int version;
    final Grams chars;
    final Grams bytes;
    /** Trigger words of every rule and the learned literals: the one screen a clean line passes. */
    final Grams screen;

    Learned(int version, List<String> literals, TextRules rules) {
      this.version = version;
      this.chars = Grams.of(literals, null, false);
      List<Grams.Entry> all = new ArrayList<>();
      for (String w : rules.triggerWords()) {
        all.add(new Grams.Entry(w, 1, true));
      }
      for (String l : literals) {
        all.add(new Grams.Entry(l, 1, false));
      }
      this.screen = new Grams(all);
      List<String> utf8 = new ArrayList<>(literals.size());
      for (String l : literals) {
        utf8.add(new String(l.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1));
      }
      this.bytes = Grams.of(utf8, null, false);
    }
  }
}
