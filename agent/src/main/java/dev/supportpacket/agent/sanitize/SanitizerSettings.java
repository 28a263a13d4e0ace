package dev.supportpacket.agent.sanitize;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.supportpacket.agent.options.UntrustedText;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * What a {@link Sanitizer} is built from beyond its built-in rules: the user's rules file and the site key. Immutable.
 *
 * <p>Rules file (YAML; every section optional):
 *
 * <pre>
 * secret_keys: [session-cookie, x-acme-sig]   # keys whose values are secret (separators and case ignored)
 * not_secret_keys: [token.ttl]                # keys (or key endings) that stay readable
 * patterns:
 *   - name: acme-token                        # the name report.txt counts under
 *     regex: 'acme_[A-Za-z0-9]{32}'           # the whole match is the secret, or its group named s
 * literals: ['my-literal-secret']             # values scrubbed wherever they appear (at least 4 characters)
 * </pre>
 */
public final class SanitizerSettings {
  /** A site key shorter than this would make tokens guessable across packets. */
  static final int MIN_SITE_KEY_BYTES = 16;

  static final int MIN_USER_LITERAL = 4;

  private static final Pattern RULE_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,40}");
  private static final Set<String> TOP_LEVEL = Set.of("secret_keys", "not_secret_keys", "patterns", "literals");

  private final byte[] siteKey;
  private final List<String> secretKeys;
  private final List<String> notSecretKeys;
  private final List<PatternRule> patterns;
  private final List<String> literals;

  private SanitizerSettings(
      byte[] siteKey, List<String> secretKeys, List<String> notSecretKeys, List<PatternRule> patterns,
      List<String> literals) {
    this.siteKey = siteKey == null ? null : siteKey.clone();
    this.secretKeys = List.copyOf(secretKeys);
    this.notSecretKeys = List.copyOf(notSecretKeys);
    this.patterns = List.copyOf(patterns);
    this.literals = List.copyOf(literals);
  }

  /** Built-in rules only, random per-packet key. */
  public static SanitizerSettings defaults() {
    return new SanitizerSettings(null, List.of(), List.of(), List.of(), List.of());
  }

  /**
   * Reads the rules file and the site key file, either of which may be absent.
   *
   * @throws InvalidSettingsException naming the file and what is wrong with it
   */
  public static SanitizerSettings load(Optional<Path> rulesFile, Optional<Path> siteKeyFile)
      throws InvalidSettingsException {
    SanitizerSettings rules = rulesFile.isPresent() ? readRules(rulesFile.get()) : defaults();
    byte[] key = siteKeyFile.isPresent() ? readSiteKey(siteKeyFile.get()) : null;
    return new SanitizerSettings(key, rules.secretKeys, rules.notSecretKeys, rules.patterns, rules.literals);
  }

  /** Parses a rules file. */
  static SanitizerSettings readRules(Path file) throws InvalidSettingsException {
    Object root;
    try {
      String yaml = Files.readString(file);
      root = yaml.isBlank() ? null : new ObjectMapper(new YAMLFactory()).readValue(yaml, Object.class);
    } catch (JsonProcessingException e) {
      // The parser's message may quote the file (a wrong file, e.g. /etc/shadow, would come back in the error):
      // only its words and the position leave, and not the cause, whose message quotes it too.
      throw new InvalidSettingsException("rules file " + file + " is not valid YAML: " + unquoted(e.getOriginalMessage())
          + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"));
    } catch (IOException e) {
      throw new InvalidSettingsException("cannot read rules file " + file + ": " + e, e);
    }
    if (root == null) {
      return defaults();
    }
    if (!(root instanceof Map)) {
      throw new InvalidSettingsException("rules file " + file + " must be a mapping with keys " + TOP_LEVEL);
    }
    Map<?, ?> map = (Map<?, ?>) root;
    for (Object k : map.keySet()) {
      if (!TOP_LEVEL.contains(String.valueOf(k))) {
        throw new InvalidSettingsException(
            // Not named: a wrong file (/etc/shadow) would have its user names come back in the error.
            "rules file " + file + " has a section that is not one of " + TOP_LEVEL + "; is it the right file?");
      }
    }
    List<String> secret = strings(file, map, "secret_keys");
    List<String> notSecret = strings(file, map, "not_secret_keys");
    List<String> literals = strings(file, map, "literals");
    for (int i = 0; i < literals.size(); i++) {
      if (literals.get(i).strip().length() < MIN_USER_LITERAL) {
        throw new InvalidSettingsException("rules file " + file + ": literals[" + i + "] is shorter than "
            + MIN_USER_LITERAL + " characters; it would be replaced all over the packet");
      }
    }
    return new SanitizerSettings(null, secret, notSecret, patterns(file, map.get("patterns")), literals);
  }

  /** A parser message without what it quotes from the file, on one line. */
  private static String unquoted(String message) {
    String m = String.valueOf(message).split("\n", 2)[0];
    return UntrustedText.oneLine(m.replaceAll("'[^']*'|\"[^\"]*\"|\\(code [^)]*\\)", "(...)"));
  }

  private static List<String> strings(Path file, Map<?, ?> map, String section) throws InvalidSettingsException {
    Object v = map.get(section);
    if (v == null) {
      return List.of();
    }
    if (!(v instanceof List)) {
      throw new InvalidSettingsException("rules file " + file + ": '" + section + "' must be a list of strings");
    }
    List<String> out = new ArrayList<>();
    List<?> list = (List<?>) v;
    for (int i = 0; i < list.size(); i++) {
      Object o = list.get(i);
      if (!(o instanceof String || o instanceof Number) || o.toString().isBlank()) {
        throw new InvalidSettingsException(
            "rules file " + file + ": " + section + "[" + i + "] must be a non-empty string");
      }
      out.add(o.toString());
    }
    return out;
  }

  private static List<PatternRule> patterns(Path file, Object v) throws InvalidSettingsException {
    if (v == null) {
      return List.of();
    }
    if (!(v instanceof List)) {
      throw new InvalidSettingsException("rules file " + file + ": 'patterns' must be a list of {name, regex}");
    }
    Set<String> names = new HashSet<>();
    for (PatternRule r : PatternRule.defaults(SecretKeys.defaults())) {
      names.add(r.name);
    }
    names.add(EntryScrubber.BY_KEY);
    names.add(EntryScrubber.LEARNED);
    List<PatternRule> out = new ArrayList<>();
    List<?> list = (List<?>) v;
    for (int i = 0; i < list.size(); i++) {
      String where = "rules file " + file + ": patterns[" + i + "]";
      if (!(list.get(i) instanceof Map)) {
        throw new InvalidSettingsException(where + " must be a mapping with 'name' and 'regex'");
      }
      Map<?, ?> p = (Map<?, ?>) list.get(i);
      Object name = p.get("name");
      Object regex = p.get("regex");
      if (!(name instanceof String) || !RULE_NAME.matcher((String) name).matches()) {
        throw new InvalidSettingsException(where + " needs a 'name' of lower-case letters, digits and '-'");
      }
      where = "rules file " + file + ": pattern '" + name + "'";
      if (!names.add((String) name)) {
        throw new InvalidSettingsException(where + ": the name is already used by another rule");
      }
      if (!(regex instanceof String) || ((String) regex).isEmpty()) {
        throw new InvalidSettingsException(where + " needs a non-empty 'regex'");
      }
      for (Object k : p.keySet()) {
        if (!"name".equals(k) && !"regex".equals(k)) {
          throw new InvalidSettingsException(where + " has a field other than 'name' and 'regex'");
        }
      }
      PatternRule rule;
      try {
        rule = PatternRule.user((String) name, (String) regex);
      } catch (PatternSyntaxException e) {
        throw new InvalidSettingsException(where + ": the regex does not compile: " + e.getDescription()
            + " near index " + e.getIndex(), e);
      }
      if (rule.pattern.matcher("").matches()) {
        throw new InvalidSettingsException(where + ": the regex matches the empty string");
      }
      out.add(rule);
    }
    return out;
  }

  /**
   * Reads a site key: the file's bytes, trailing whitespace removed. The file must be readable by its owner only,
   * since whoever holds the key can test guesses against the tokens of every packet of the site.
   */
  static byte[] readSiteKey(Path file) throws InvalidSettingsException {
    byte[] raw;
    try {
      raw = Files.readAllBytes(file);
      if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
        if (perms.contains(PosixFilePermission.GROUP_READ) || perms.contains(PosixFilePermission.OTHERS_READ)) {
          throw new InvalidSettingsException(
              "site key file " + file + " is readable by other users; make it private (chmod 600)");
        }
      }
    } catch (NoSuchFileException e) {
      throw new InvalidSettingsException("site key file " + file + " does not exist", e);
    } catch (IOException e) {
      throw new InvalidSettingsException("cannot read site key file " + file + ": " + e, e);
    }
    int n = raw.length;
    while (n > 0 && (raw[n - 1] == '\n' || raw[n - 1] == '\r' || raw[n - 1] == ' ' || raw[n - 1] == '\t')) {
      n--;
    }
    if (n < MIN_SITE_KEY_BYTES) {
      throw new InvalidSettingsException("site key file " + file + " holds " + n + " bytes; at least "
          + MIN_SITE_KEY_BYTES + " are needed (e.g. head -c 32 /dev/urandom | base64 > " + file + ")");
    }
    return java.util.Arrays.copyOf(raw, n);
  }

  /** The site key, or null for a random per-packet key. */
  byte[] siteKey() {
    return siteKey == null ? null : siteKey.clone();
  }

  List<String> secretKeys() {
    return secretKeys;
  }

  List<String> notSecretKeys() {
    return notSecretKeys;
  }

  List<PatternRule> patterns() {
    return patterns;
  }

  List<String> literals() {
    return literals;
  }
}
