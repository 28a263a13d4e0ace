package dev.supportpacket.agent.collect.config;

import dev.supportpacket.agent.packet.Packet.KeyRedactor;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes a config file as it is, line for line, except that a value under a secret-looking key is replaced whole by
 * its token, whatever its length or shape: {@code my.custom.credentials: x} is caught even though no text pattern
 * would see {@code x}. Keys are judged by their full flattened name ({@code spring.datasource.password}), as the
 * learning step judges them, so the same setting is treated the same in .properties and .yml. Everything written
 * still passes the sanitizer's line filter afterwards (patterns and learned literals).
 */
final class KeyedConfigWriter {
  private static final Pattern YAML_KEY =
      Pattern.compile("^(\\s*(?:-\\s+)*)(\"[^\"]*\"|'[^']*'|[^\\s#'\"\\-{\\[][^:#]*?|-[^\\s:#][^:#]*?)\\s*:(?:\\s+(.*))?$");
  private static final Pattern JSON_PAIR =
      Pattern.compile("\"([^\"]+)\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

  private final KeyRedactor redactor;

  KeyedConfigWriter(KeyRedactor redactor) {
    this.redactor = redactor;
  }

  void write(String extension, String text, Writer out) throws IOException {
    switch (extension) {
      case "properties":
      case "conf":
      case "toml":
      case "ini":
        writeProperties(text, out, !extension.equals("properties"));
        break;
      case "yml":
      case "yaml":
        writeYaml(text, out);
        break;
      case "json":
        out.write(replacePairs(text, JSON_PAIR, 1, 2));
        break;
      case "xml":
        writeXml(text, out);
        break;
      default:
        out.write(text);
    }
  }

  /** Index of the key/value separator of a properties line: the first unescaped {@code =} or {@code :}, or -1. */
  static int separator(String line) {
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '=' || c == ':') {
        return i;
      }
    }
    return -1;
  }

  private void writeProperties(String text, Writer out, boolean sections) throws IOException {
    String section = "";
    String[] lines = text.split("(?<=\n)");
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      String trimmed = line.trim();
      if (sections && trimmed.startsWith("[") && trimmed.endsWith("]")) {
        section = trimmed.replaceAll("[\\[\\]\"]", "").trim() + ".";
      }
      int sep = separator(line);
      if (trimmed.isEmpty() || trimmed.startsWith("#") || trimmed.startsWith("!") || sep <= 0) {
        out.write(line);
        continue;
      }
      String key = section + line.substring(0, sep).trim();
      if (!redactor.isSecretKey(key)) {
        out.write(line);
        continue;
      }
      // A secret continued over several lines (trailing backslash) is joined and replaced as one value.
      StringBuilder value = new StringBuilder(stripEol(line.substring(sep + 1)));
      while (endsWithContinuation(value) && i + 1 < lines.length) {
        value.setLength(value.length() - 1);
        value.append(stripEol(lines[++i]).trim());
      }
      String v = value.toString().trim();
      String bare = sections ? ConfigKeyValues.unquote(v) : v;
      out.write(line.substring(0, sep + 1) + " " + redactor.value(key, bare) + "\n");
    }
  }

  private void writeYaml(String text, Writer out) throws IOException {
    Deque<Object[]> parents = new ArrayDeque<>();
    String[] lines = text.split("(?<=\n)");
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      String body = stripEol(line);
      String trimmed = body.trim();
      if (trimmed.isEmpty() || trimmed.startsWith("#") || trimmed.equals("---") || trimmed.equals("...")) {
        if (trimmed.equals("---")) {
          parents.clear();
        }
        out.write(line);
        continue;
      }
      Matcher m = YAML_KEY.matcher(body);
      if (!m.matches()) {
        writeYamlOther(line, body, trimmed, parents, out);
        continue;
      }
      int indent = m.group(1).length();
      popTo(parents, indent);
      String key = ConfigKeyValues.unquote(m.group(2).trim());
      String fullKey = path(parents) + key;
      String value = m.group(3) == null ? "" : m.group(3).trim();
      if (value.isEmpty() || value.startsWith("&") && !value.contains(" ")) {
        // A parent: its children are judged by their own full names (spring.datasource.password).
        parents.push(new Object[] {key, indent});
        out.write(line);
        continue;
      }
      if (!redactor.isSecretKey(fullKey)) {
        out.write(line);
        continue;
      }
      String secret;
      if (value.startsWith("|") || value.startsWith(">")) {
        StringBuilder sb = new StringBuilder();
        while (i + 1 < lines.length
            && (stripEol(lines[i + 1]).trim().isEmpty() || leadingSpaces(lines[i + 1]) > indent)) {
          sb.append(stripEol(lines[++i]).trim()).append('\n');
        }
        secret = sb.toString().trim();
      } else {
        secret = yamlScalar(value);
      }
      out.write(body.substring(0, m.end(2)) + ": "
          + (secret.isEmpty() ? "" : "\"" + redactor.value(fullKey, secret) + "\"") + "\n");
    }
  }

  /** A list item of scalars under a secret key ({@code tokens:} / {@code - abc}) is a secret too. */
  private void writeYamlOther(String line, String body, String trimmed, Deque<Object[]> parents, Writer out)
      throws IOException {
    int indent = leadingSpaces(body);
    popTo(parents, indent - 1);
    String parent = path(parents);
    if (trimmed.startsWith("- ") && !parent.isEmpty()) {
      String key = parent.substring(0, parent.length() - 1);
      if (redactor.isSecretKey(key)) {
        String secret = yamlScalar(trimmed.substring(2).trim());
        out.write(body.substring(0, body.indexOf('-') + 1) + " \"" + redactor.value(key, secret) + "\"\n");
        return;
      }
    }
    out.write(line);
  }

  private static void popTo(Deque<Object[]> parents, int indent) {
    while (!parents.isEmpty() && (int) parents.peek()[1] >= indent) {
      parents.pop();
    }
  }

  /** The dotted path of the open parents, with a trailing dot; empty at the top level. */
  private static String path(Deque<Object[]> parents) {
    StringBuilder sb = new StringBuilder();
    parents.descendingIterator().forEachRemaining(p -> sb.append(p[0]).append('.'));
    return sb.toString();
  }

  private void writeXml(String text, Writer out) throws IOException {
    String s = replacePairs(text, ConfigKeyValues.XML_ELEMENT, 1, 2);
    s = replacePairs(s, ConfigKeyValues.XML_NAME_VALUE, 1, List.of(3, 4));
    s = replacePairs(s, ConfigKeyValues.XML_ATTRIBUTE, 1, List.of(3, 4));
    out.write(s);
  }

  private String replacePairs(String text, Pattern p, int keyGroup, int valueGroup) {
    return replacePairs(text, p, keyGroup, List.of(valueGroup));
  }

  /** Replaces the first non-null value group of each match whose key is secret. */
  private String replacePairs(String text, Pattern p, int keyGroup, List<Integer> valueGroups) {
    Matcher m = p.matcher(text);
    StringBuilder sb = new StringBuilder();
    int last = 0;
    while (m.find()) {
      String key = m.group(keyGroup);
      if (!redactor.isSecretKey(key)) {
        continue;
      }
      for (int g : valueGroups) {
        String v = m.group(g);
        if (v != null && !v.isBlank()) {
          sb.append(text, last, m.start(g)).append(redactor.value(key, v.trim()));
          last = m.end(g);
          break;
        }
      }
    }
    return sb.append(text, last, text.length()).toString();
  }

  /** An inline YAML scalar without its quotes or trailing comment. */
  private static String yamlScalar(String value) {
    if (value.startsWith("\"") || value.startsWith("'")) {
      int end = value.lastIndexOf(value.charAt(0));
      return end > 0 ? value.substring(1, end) : value.substring(1);
    }
    int comment = value.indexOf(" #");
    return (comment >= 0 ? value.substring(0, comment) : value).trim();
  }

  private static int leadingSpaces(String s) {
    int i = 0;
    while (i < s.length() && s.charAt(i) == ' ') {
      i++;
    }
    return i;
  }

  private static boolean endsWithContinuation(CharSequence v) {
    int n = 0;
    for (int i = v.length() - 1; i >= 0 && v.charAt(i) == '\\'; i--) {
      n++;
    }
    return n % 2 == 1;
  }

  private static String stripEol(String s) {
    int end = s.length();
    while (end > 0 && (s.charAt(end - 1) == '\n' || s.charAt(end - 1) == '\r')) {
      end--;
    }
    return s.substring(0, end);
  }
}
