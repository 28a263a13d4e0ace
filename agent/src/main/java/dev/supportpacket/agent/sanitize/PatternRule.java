package dev.supportpacket.agent.sanitize;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A named rule that finds secrets inside free text. The pattern's group named {@code s} is the secret (everything
 * else it matched, a key, a scheme, a user name, stays readable); without that group the whole match is the secret.
 *
 * <p>The name is stable: it is what report.txt counts. Names avoid ending in a secret word ({@code github}, not
 * {@code github-token}) because the report's {@code rule=count} lines pass the same filter as any other text.
 *
 * <p>Each rule lists lower-case trigger strings: a line that holds none of them is not handed to the regex at all
 * (see {@link TextRules}); that pre-check is what keeps the filter fast on lines without secrets. A rule without
 * triggers runs on every line.
 */
final class PatternRule {
  /** Decides on a candidate the regex found: a key check, an entropy check. */
  interface Check {
    boolean accept(Matcher m, String secret);
  }

  /**
   * A cheap pre-check of a whole text for a rule whose regex is costly: false only when the regex certainly finds no
   * secret in it, so skipping the regex then changes nothing.
   */
  interface Gate {
    boolean mayFindIn(String text);
  }

  private static final Check ANY = (m, s) -> true;
  private static final Gate ALWAYS = s -> true;

  final String name;
  final Pattern pattern;
  final List<String> triggers;
  /** The group that holds the secret: "s", or null for the whole match, or "*" for whichever of dq/sq/bare. */
  private final String group;
  private final Check check;
  private final Gate gate;
  /** A user's rule: its regex may be catastrophic, so it runs on a {@link WorkBudget}; null for a built-in rule. */
  private final RuleBudget budget;

  private PatternRule(String name, Pattern pattern, List<String> triggers, Check check, Gate gate) {
    this(name, pattern, triggers, check, gate, false);
  }

  private PatternRule(
      String name, Pattern pattern, List<String> triggers, Check check, Gate gate, boolean budgeted) {
    this.budget = budgeted ? new RuleBudget(name) : null;
    this.name = name;
    this.pattern = pattern;
    this.triggers = List.copyOf(triggers);
    String p = pattern.pattern();
    this.group = p.contains("(?<s>") ? "s" : p.contains("(?<bare>") ? "*" : null;
    this.check = check;
    this.gate = gate;
  }

  static PatternRule of(String name, String regex, List<String> triggers) {
    return new PatternRule(name, Pattern.compile(regex), triggers, ANY, ALWAYS);
  }

  static PatternRule of(String name, String regex, List<String> triggers, Check check) {
    return new PatternRule(name, Pattern.compile(regex), triggers, check, ALWAYS);
  }

  static PatternRule of(String name, String regex, List<String> triggers, Check check, Gate gate) {
    return new PatternRule(name, Pattern.compile(regex), triggers, check, gate);
  }

  /**
   * A user's rule from the rules file: runs on every line.
   *
   * @throws PatternSyntaxException when the regex does not compile
   */
  static PatternRule user(String name, String regex) {
    return new PatternRule(name, Pattern.compile(regex), List.of(), ANY, ALWAYS, true);
  }

  /**
   * A matcher of this rule's regex on {@code text}; a user's rule reads it through a {@link WorkBudget}, so that
   * {@link Matcher#find} throws {@link WorkBudget.Exceeded} rather than run away.
   */
  Matcher matcher(String text) {
    return pattern.matcher(budget != null ? budget.on(text) : text);
  }

  /**
   * A regex of this rule recursed past the stack: for a user's rule that is its overrun, counted like one.
   *
   * @throws StackOverflowError for a built-in rule, which must never recurse that deep
   */
  WorkBudget.Exceeded overranStack(StackOverflowError e) {
    if (budget == null) {
      throw e;
    }
    return budget.overran();
  }

  /** False when {@link #pattern} certainly finds no secret in {@code text}: its regex need not run. */
  boolean mayFindIn(String text) {
    return gate.mayFindIn(text);
  }

  /** Start of the secret within a match found by {@link #pattern}; -1 when this match is not a secret. */
  int start(Matcher m) {
    String g = groupOf(m);
    return g == null ? m.start() : m.start(g);
  }

  int end(Matcher m) {
    String g = groupOf(m);
    return g == null ? m.end() : m.end(g);
  }

  private String groupOf(Matcher m) {
    if (!"*".equals(group)) {
      return group;
    }
    return m.start("dq") >= 0 ? "dq" : m.start("sq") >= 0 ? "sq" : "bare";
  }

  /** The secret of this match, or null when the match is not one (already redacted, rejected by the check). */
  String secret(Matcher m) {
    String g = groupOf(m);
    String s = g == null ? m.group() : m.group(g);
    // A token is "[REDACTED:…]"; a rule that leaves a bracket out of its value sees only "REDACTED:…".
    if (s == null || s.isEmpty() || s.startsWith("[REDACTED") || s.startsWith("REDACTED:") || !check.accept(m, s)) {
      return null;
    }
    return s;
  }

  /** The secrets this rule finds in one string. */
  List<String> secretsIn(String text) {
    List<String> found = new ArrayList<>();
    Matcher m = matcher(text);
    while (m.find()) {
      String s = secret(m);
      if (s != null) {
        found.add(s);
      }
    }
    return found;
  }

  /**
   * An authentication scheme before a value ({@code token: "Bearer abc"}): it stays readable, only the value after it
   * is the secret. Optional, so a value that is only a scheme word is still seen (and rejected as no secret).
   */
  private static final String SCHEME = "(?:(?i:bearer|basic|token|digest|negotiate|ntlm|apikey)[ \\t]+)?";

  /** The built-in rules; {@code keys} decides what a key in an assignment means. */
  static List<PatternRule> defaults(SecretKeys keys) {
    List<PatternRule> r = new ArrayList<>();
    // scheme://user:PASS@host (JDBC, AMQP, Redis, Mongo, HTTP proxies…). The scheme starts only where a run of
    // scheme chars starts: from every word inside "a.b.c.d…://" the scan ran to "://" again (quadratic).
    r.add(of("uri-userinfo",
        "(?<![a-zA-Z0-9+.\\-])[a-zA-Z][a-zA-Z0-9+.\\-]*+://[^\\s:/@?#\"']*+:(?<s>[^\\s/?#\"']+)@", List.of("://")));
    // jdbc:oracle:thin:scott/tiger@host:1521/orcl
    // The password ends at the next "/" (it cannot hold one unquoted): from each ":thin:a/" the scan no longer runs
    // through all the later ones looking for "@".
    r.add(of("oracle-connect", "(?i):thin:(?!@)[^\\s/@:\"']++/(?<s>[^\\s@\"'/]++)@", List.of(":thin:")));
    // Schemes before assignments: in "X-Auth: Bearer abc" the secret is abc, not the word Bearer.
    r.add(
        of(
            "authorization-header",
            // A header map prints the value in brackets ({Authorization=[Bearer abc]}): the bracket is no secret.
            "(?i)\\b(?:proxy-)?authorization[\"']?[ \\t]{0,3}[:=][ \\t]{0,3}(?:\\[?[\"']?)"
                + "(?:(?:bearer|basic|token|apikey|negotiate|ntlm|digest|sso-key)[ \\t]+)?(?<s>[^\\s\"',;)}\\[\\]]{6,})",
            List.of("authorization")));
    r.add(of("bearer-scheme", "(?i)\\bbearer[ \\t]+(?<s>[A-Za-z0-9._~+/\\-]{16,}=*)", List.of("bearer")));
    r.add(
        of("basic-scheme", "(?i)\\bbasic[ \\t]+(?<s>[A-Za-z0-9+/]{8,}={0,2})(?![A-Za-z0-9+/=])", List.of("basic"),
            (m, s) -> decodesToUserColonPassword(s)));
    r.add(of("cookie-header", "(?i)\\b(?:set-)?cookie[ \\t]*:[ \\t]*(?<s>[^\\s;]+(?:;[ \\t]*[^\\s;]+=[^\\s;]*)*)",
        List.of("cookie")));
    // key=value, key: value, "key": "value", key => value, <key>value</, in logs, connection strings, arguments
    r.add(
        of(
            "assignment",
            "(?<![\\w.\\-])(?<lt><)?(?<k>[A-Za-z_\\-][\\w.\\-]{0,100})(?<sep>[\"']?[ \\t]{0,3}(?:=>?|:)[ \\t]{0,3}|>)"
                + "(?:\"" + SCHEME + "(?<dq>(?:[^\"\\\\]|\\\\.){1,4096})\"|'" + SCHEME + "(?<sq>[^']{1,4096})'"
                + "|\\[?" + SCHEME + "(?<bare>[^\\s\"',;&)<>\\[\\]}][^\\s\"',;&)<>\\]}]*))",
            keys.textTriggers(),
            (m, s) -> assignmentIsSecret(keys, m, s),
            text -> holdsSecretKey(keys, text)));
    // Password hashes of crypt(3) (shadow files, htpasswd, application user tables): the algorithm id stays
    // readable, salt and hash are the secret (an offline cracker needs nothing else).
    r.add(
        of(
            "crypt-hash",
            "(?<![\\w$])\\$(?:1|5|6|7|y|gy|2[abxy]|argon2(?:id|i|d)|sha1|md5|pbkdf2(?:-sha\\d+)?|scrypt)\\$"
                + "(?<s>(?:[A-Za-z0-9./+=,\\-]{1,200}\\$){1,5}[A-Za-z0-9./+=,\\-]{8,1000})",
            List.of("$1$", "$5$", "$6$", "$7$", "$y$", "$gy$", "$2a$", "$2b$", "$2x$", "$2y$", "$argon2", "$sha1$",
                "$md5$", "$pbkdf2", "$scrypt$")));
    // Starts only where a run of token chars starts, and never gives back what it took: linear on "-eyJa-eyJa…".
    r.add(of("jwt", "(?<![A-Za-z0-9_\\-])eyJ[A-Za-z0-9_\\-]{5,}+\\.[A-Za-z0-9_\\-]{5,}+\\.[A-Za-z0-9_\\-]*+",
        List.of("eyj")));
    // A whole block in one string (a config value, a JSON field with \n escapes); the streaming filter handles
    // blocks that span lines.
    r.add(
        of(
            "pem-block",
            "-----BEGIN[A-Z0-9 ]{0,40} PRIVATE KEY(?: BLOCK)?-----(?<s>(?s:.+?)(?=-----END)|(?s:.+))",
            List.of("-----begin")));
    r.add(of("aws-access-key-id", "\\b(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z2-7]{16}\\b",
        List.of("akia", "asia", "abia", "acca", "a3t")));
    r.add(
        of(
            "aws-secret-access",
            "(?i)(?:aws|amazon)[\\w.\\- ]{0,25}?secret[\\w.\\- ]{0,25}?[\"']?[ \\t]{0,3}[=:,][ \\t]{0,3}[\"']?"
                + "(?<s>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])",
            List.of("aws", "amazon")));
    r.add(of("google-api", "\\bAIza[0-9A-Za-z_\\-]{35}(?![0-9A-Za-z_\\-])", List.of("aiza")));
    r.add(of("google-oauth-client", "\\bGOCSPX-[A-Za-z0-9_\\-]{28}", List.of("gocspx-")));
    r.add(
        of(
            "azure-sas",
            "[?&;]sig=(?<s>[A-Za-z0-9%+/=]{16,})",
            List.of("sig=")));
    r.add(
        of(
            "github",
            "\\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\\b",
            List.of("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_")));
    r.add(of("gitlab", "\\bgl(?:pat|ptt|rt|dt|oas|cbt|ft|imt|agent|ffct)-[A-Za-z0-9_\\-]{20,}",
        List.of("glpat-", "glptt-", "glrt-", "gldt-", "gloas-", "glcbt-", "glft-", "glimt-", "glagent-", "glffct-")));
    r.add(of("slack", "\\b(?:xox[abposr]-[A-Za-z0-9\\-]{10,}|xapp-[0-9]-[A-Za-z0-9\\-]{10,})",
        List.of("xoxa-", "xoxb-", "xoxp-", "xoxo-", "xoxs-", "xoxr-", "xapp-")));
    r.add(of("slack-webhook", "hooks\\.slack\\.com/(?:services|workflows|triggers)/(?<s>[A-Za-z0-9/_\\-]{8,})",
        List.of("hooks.slack.com")));
    r.add(of("stripe", "\\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,}|\\bwhsec_[A-Za-z0-9]{20,}",
        List.of("sk_live_", "rk_live_", "sk_test_", "rk_test_", "whsec_")));
    r.add(of("sendgrid", "\\bSG\\.[A-Za-z0-9_\\-]{16,32}\\.[A-Za-z0-9_\\-]{16,64}", List.of("sg.")));
    r.add(of("npm", "\\bnpm_[A-Za-z0-9]{36}\\b", List.of("npm_")));
    r.add(of("pypi", "\\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_\\-]{50,}", List.of("pypi-ageichlwas5vcmc")));
    r.add(of("heroku", "\\bHRKU-[A-Za-z0-9_\\-]{20,}", List.of("hrku-")));
    // Starts only where a run of token chars starts: from each "-sk-" of one run the search for T3BlbkFJ ran to
    // the run's end again (quadratic).
    r.add(of("openai",
        "(?<![A-Za-z0-9_\\-])sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\\-]{20,}T3BlbkFJ[A-Za-z0-9_\\-]{20,}",
        List.of("t3blbkfj")));
    r.add(of("anthropic", "\\bsk-ant-[a-z0-9]{2,10}-[A-Za-z0-9_\\-]{20,}", List.of("sk-ant-")));
    r.add(of("datadog",
        "(?i)\\bdd[_-]?(?:api|app)[_-]?key[\"']?(?:[ \\t]{0,3}[=:][ \\t]{0,3}|[ \\t]+)[\"']?(?<s>[a-f0-9]{32,40})\\b",
        List.of("dd_api", "dd-api", "ddapi", "dd_app", "dd-app", "ddapp")));
    // key=<random-looking value> where the key is not a secret word but ends in "key": license_key, stripe.key
    r.add(
        of(
            "high-entropy",
            "(?i)key[\"']?[ \\t]{0,3}[=:][ \\t]{0,3}[\"']?"
                + "(?<s>[A-Za-z0-9+/=_\\-]{20,})",
            List.of("key"),
            (m, s) -> looksRandom(s)));
    return r;
  }

  private static boolean assignmentIsSecret(SecretKeys keys, Matcher m, String value) {
    // <password>x</password> is an assignment; List<Token>x is not.
    if (m.group("sep").equals(">") && m.group("lt") == null) {
      return false;
    }
    String key = m.group("k");
    return keys.isSecretInText(key)
        && !isWorkingDirectory(key, value)
        && !isPlaceholder(value)
        && !AUTH_SCHEMES.contains(value.toLowerCase(Locale.ROOT));
  }

  /**
   * False when the assignment rule certainly finds no secret in {@code s}. The rule's key group is always a whole run
   * of {@code [\w.\-]} chars (its look-behind and its separator exclude them) followed by its separator, and a secret
   * needs a key that is secret in text; asking the rule's own decision for every such run never skips a secret, and
   * costs far less than the regex, which starts at every word of the many lines that only mention a secret word
   * ({@code c.a.auth.TokenService: started}).
   */
  static boolean holdsSecretKey(SecretKeys keys, String s) {
    int n = s.length();
    int i = 0;
    while (i < n) {
      if (!isKeyChar(s.charAt(i))) {
        i++;
        continue;
      }
      int start = i;
      while (i < n && isKeyChar(s.charAt(i))) {
        i++;
      }
      if (separatorAt(s, i) && keys.isSecretInText(s.substring(start, i))) {
        return true;
      }
    }
    return false;
  }

  /** {@code [\w.\-]} of the assignment regex ({@code \w} is ASCII only there). */
  private static boolean isKeyChar(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-';
  }

  /** Whether the assignment's separator starts at {@code i}: {@code >}, or {@code ["']?[ \t]{0,3}} then = or :. */
  private static boolean separatorAt(String s, int i) {
    int n = s.length();
    if (i < n && s.charAt(i) == '>') {
      return true;
    }
    if (i < n && (s.charAt(i) == '"' || s.charAt(i) == '\'')) {
      i++;
    }
    for (int blanks = 0; blanks < 3 && i < n && (s.charAt(i) == ' ' || s.charAt(i) == '\t'); blanks++) {
      i++;
    }
    return i < n && (s.charAt(i) == '=' || s.charAt(i) == ':');
  }

  /**
   * A shell's {@code PWD=/srv/app} or {@code OLDPWD=/home/app} (printed by a process that lists its environment) is
   * a directory, no password: an ODBC {@code PWD=} password is not an absolute path.
   */
  private static boolean isWorkingDirectory(String key, String value) {
    return (key.equalsIgnoreCase("PWD") || key.equalsIgnoreCase("OLDPWD"))
        && value.startsWith("/")
        && value.chars().noneMatch(Character::isWhitespace);
  }

  /** "X-Auth: Bearer abc": the scheme is no secret; the scheme rules above redact what follows it. */
  private static final Set<String> AUTH_SCHEMES =
      Set.of("bearer", "basic", "token", "digest", "negotiate", "ntlm", "apikey");

  /** Values that hold no secret even under a secret key: a flag, a placeholder, an already masked value. */
  static boolean isPlaceholder(String v) {
    String l = v.toLowerCase(Locale.ROOT);
    if (l.equals("true") || l.equals("false") || l.equals("null") || l.equals("none")) {
      return true;
    }
    // ${DB_PASSWORD} (cut at "}" when unquoted), {{ .Values.password }}
    if (v.startsWith("${") || v.startsWith("{{")) {
      return true;
    }
    for (int i = 0; i < v.length(); i++) {
      if (v.charAt(i) != '*' && v.charAt(i) != 'x' && v.charAt(i) != 'X') {
        return false;
      }
    }
    return true;
  }

  private static boolean decodesToUserColonPassword(String s) {
    try {
      byte[] b = Base64.getDecoder().decode(s);
      int colon = -1;
      for (int i = 0; i < b.length; i++) {
        if (b[i] < 0x20 || b[i] > 0x7e) {
          return false;
        }
        if (b[i] == ':' && colon < 0) {
          colon = i;
        }
      }
      return colon > 0;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * A token-like value: letters and digits mixed, not only hex (a git SHA, a checksum) and not a UUID, with at least
   * 3.5 bits of entropy per character.
   */
  static boolean looksRandom(String s) {
    if (s.length() < 20) {
      return false;
    }
    boolean upper = false;
    boolean lower = false;
    boolean digit = false;
    boolean hexOnly = true;
    int[] freq = new int[128];
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      upper |= c >= 'A' && c <= 'Z';
      lower |= c >= 'a' && c <= 'z';
      digit |= c >= '0' && c <= '9';
      hexOnly &= Character.digit(c, 16) >= 0 || c == '-';
      if (c < 128) {
        freq[c]++;
      }
    }
    if (hexOnly || !digit || !(upper && lower)) {
      return false;
    }
    double h = 0;
    for (int f : freq) {
      if (f > 0) {
        double p = (double) f / s.length();
        h -= p * Math.log(p) / Math.log(2);
      }
    }
    return h >= 3.5;
  }
}
