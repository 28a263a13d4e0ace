package dev.supportpacket.agent.sanitize;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decides by name whether a key holds a secret. Keys are compared lower-cased with separators removed, so
 * {@code DB_PASSWORD}, {@code db.password} and {@code dbPassword} are the same.
 *
 * <p>The decision looks at what follows the <em>last</em> secret word of the key. For a key of a structured source
 * (property, environment variable, config entry, argument) nothing after it, or anything unknown, means secret (fail
 * closed); only a known setting word ({@code token.ttl}, {@code password.policy}, {@code auth.enabled},
 * {@code db.password.file}) keeps the value readable. In free text the key is only a guess at what precedes
 * {@code =} or {@code :}, so there the secret word must end the key ({@code password=}, {@code api_key:},
 * {@code tokens=}): {@code TokenService.java:42} and {@code c.a.AuthFilter: started} stay readable.
 */
final class SecretKeys {
  /**
   * Secret words as they read once normalized, each as its parts so that free text can spell them with separators
   * ({@code api_key}, {@code pass.word}): keys ignore separators, so the text's pre-check must too.
   */
  private static final String[][] WORDS = {
    {"pass", "word"}, {"pass", "wd"}, {"pass", "wort"}, {"pwd"}, {"pass", "phrase"}, {"secret"}, {"token"},
    {"credential"},
    {"api", "key"}, {"app", "key"}, {"private", "key"}, {"priv", "key"}, {"access", "key"}, {"account", "key"},
    {"signing", "key"}, {"encryption", "key"}, {"encrypt", "key"}, {"master", "key"}, {"shared", "key"}, {"salt"},
    {"auth"}, {"cookie"}, {"session", "id"}, {"signature"}
  };

  /**
   * The same words as a regex over a normalized key. {@code tokenizer}, {@code author}, {@code authority} and
   * {@code authentication} name no secret ({@code authorization} does).
   */
  private static final String WORD_REGEX =
      "password|passwd|passwort|pwd|passphrase|secret|token(?!iz)|credential|apikey|appkey|privatekey|privkey"
          + "|accesskey|accountkey|signingkey|encryptionkey|encryptkey|masterkey|sharedkey|salt"
          + "|auth(?!or(?!iz)|entic)|cookie|sessionid|signature";

  /** What may follow the last secret word of a structured key and still name a setting, not a secret. */
  private static final List<String> SETTING_TAILS =
      List.of(
          "enabled", "disabled", "enable", "disable", "required", "allowed", "supported", "enforced", "url", "uri",
          "urls", "endpoint", "host", "hostname", "port", "user", "username", "file", "files", "path", "dir",
          "directory", "location", "type", "method", "methods", "timeout", "ttl", "expiry", "expiration", "expires",
          "expiresin", "expiresat", "lifetime", "validity", "duration", "seconds", "secs", "ms", "millis", "minutes",
          "hours", "days", "interval", "length", "policy", "provider", "providers", "header", "headername", "name",
          "algorithm", "alg", "mode", "count", "size", "class", "classname", "factory", "format", "strategy",
          "scheme", "schemes", "issuer", "audience", "scope", "scopes", "granttype", "realm", "region", "version",
          "config", "configuration", "conf", "cache", "retries", "attempts", "limit", "encoding", "charset", "id",
          "ids", "arn", "ref", "kind", "encoder", "history", "pattern", "prompt", "sock", "socket", "level",
          "default", "prefix", "suffix", "maxage", "samesite", "secure", "httponly", "domain");

  /** What may follow the secret word of a key found in free text: the value is still the secret. */
  private static final Pattern TEXT_TAIL = Pattern.compile("(?:s|keys?)?[0-9]*");

  /**
   * Whole keys, normalized, of structured sources that contain a secret word and are known settings: the shell's
   * working directory. In free text {@code PWD=} is an ODBC password, so this applies to structured keys only.
   */
  private static final Set<String> KNOWN_SETTINGS = Set.of("pwd", "oldpwd", "googleapplicationcredentials");

  private static final int MAX_REMEMBERED = 10_000;

  private final Map<String, Boolean> textDecisions = new ConcurrentHashMap<>();
  private final Pattern words;
  private final Set<String> notSecret;
  private final List<String> triggers;

  private SecretKeys(Collection<String> extraSecret, Collection<String> extraNotSecret) {
    StringBuilder re = new StringBuilder(WORD_REGEX);
    List<String> trig = new ArrayList<>();
    for (String[] w : WORDS) {
      trig.addAll(spellings(List.of(w)));
    }
    for (String k : extraSecret) {
      String n = normalize(k);
      if (!n.isEmpty()) {
        re.append('|').append(Pattern.quote(n));
        trig.addAll(spellings(parts(k)));
      }
    }
    this.words = Pattern.compile(re.toString());
    Set<String> ns = new LinkedHashSet<>();
    for (String k : extraNotSecret) {
      String n = normalize(k);
      if (!n.isEmpty()) {
        ns.add(n);
      }
    }
    this.notSecret = Set.copyOf(ns);
    this.triggers = List.copyOf(new LinkedHashSet<>(trig));
  }

  static SecretKeys defaults() {
    return new SecretKeys(List.of(), List.of());
  }

  /**
   * @param extraSecret keys declared secret by the user: a key containing one (separators ignored) is secret
   * @param extraNotSecret keys declared not secret: a key equal to or ending with one is readable
   */
  static SecretKeys with(Collection<String> extraSecret, Collection<String> extraNotSecret) {
    return new SecretKeys(extraSecret, extraNotSecret);
  }

  /** True when the value stored under this key (property, variable, config entry, argument) is a secret. */
  boolean isSecret(String key) {
    if (key != null && KNOWN_SETTINGS.contains(normalize(key))) {
      return false;
    }
    String tail = tailAfterSecretWord(key);
    if (tail == null) {
      return false;
    }
    for (String s : SETTING_TAILS) {
      if (tail.endsWith(s)) {
        return false;
      }
    }
    return true;
  }

  /** True when {@code key}, read from free text just before {@code =} or {@code :}, names a secret. */
  boolean isSecretInText(String key) {
    // Log lines repeat the same few keys (logger names, field names) millions of times: remember the answers.
    Boolean known = textDecisions.get(key);
    if (known != null) {
      return known;
    }
    String tail = tailAfterSecretWord(key);
    boolean secret = tail != null && TEXT_TAIL.matcher(tail).matches();
    if (textDecisions.size() < MAX_REMEMBERED) {
      textDecisions.put(key, secret);
    }
    return secret;
  }

  /** Lower-case spellings of the secret words as they may appear in text, for the cheap pre-check. */
  List<String> textTriggers() {
    return triggers;
  }

  /** What follows the last secret word of the normalized key; null when the key has none or is declared readable. */
  private String tailAfterSecretWord(String key) {
    if (key == null || key.isEmpty()) {
      return null;
    }
    String k = normalize(key);
    for (String n : notSecret) {
      if (k.endsWith(n)) {
        return null;
      }
    }
    Matcher m = words.matcher(k);
    int end = -1;
    while (m.find()) {
      end = m.end();
    }
    return end < 0 ? null : k.substring(end);
  }

  static String normalize(String key) {
    StringBuilder sb = new StringBuilder(key.length());
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (Character.isLetterOrDigit(c)) {
        sb.append(c);
      }
    }
    return sb.toString().toLowerCase(Locale.ROOT);
  }

  /** A key's alphanumeric runs, lower-cased: {@code X-Acme_Sig} gives x, acme, sig. */
  private static List<String> parts(String key) {
    List<String> out = new ArrayList<>();
    for (String p : key.toLowerCase(Locale.ROOT).split("[^\\p{Alnum}]+")) {
      if (!p.isEmpty()) {
        out.add(p);
      }
    }
    return out;
  }

  /** The word's parts joined by nothing, '_', '-' or '.' ({@code apikey}, {@code api_key}, {@code api-key}…). */
  private static List<String> spellings(List<String> parts) {
    List<String> out = new ArrayList<>();
    if (parts.isEmpty()) {
      return out;
    }
    if (parts.size() > 4) {
      out.add(parts.get(parts.size() - 1));
      return out;
    }
    out.add(parts.get(0));
    for (int i = 1; i < parts.size(); i++) {
      List<String> grown = new ArrayList<>();
      for (String prefix : out) {
        for (String sep : new String[] {"", "_", "-", "."}) {
          grown.add(prefix + sep + parts.get(i));
        }
      }
      out = grown;
    }
    return out;
  }
}
