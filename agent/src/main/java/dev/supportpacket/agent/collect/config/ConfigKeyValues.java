package dev.supportpacket.agent.collect.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.StringReader;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a config file's keys and values, flattened the Spring way ({@code spring.datasource.password},
 * {@code servers[0].token}), so that the sanitizer can learn the secrets in it. Properties, YAML (every document),
 * JSON; for XML, TOML and HOCON only the cheap cases: {@code <key>value</key>}, {@code key="value"} attributes,
 * {@code <property name="key" value="value"/>}, and {@code key = value} lines.
 */
final class ConfigKeyValues {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.ALLOW_COMMENTS);

  static final Pattern XML_ELEMENT = Pattern.compile("<([A-Za-z_][\\w.:-]*)(?:\\s[^<>]*)?>([^<>]+)</\\1\\s*>");
  static final Pattern XML_ATTRIBUTE = Pattern.compile("([A-Za-z_][\\w.:-]*)\\s*=\\s*(\"([^\"]*)\"|'([^']*)')");
  static final Pattern XML_NAME_VALUE = Pattern.compile(
      "\\bname\\s*=\\s*[\"']([^\"']+)[\"'][^<>]*?\\bvalue\\s*=\\s*(\"([^\"]*)\"|'([^']*)')");

  private ConfigKeyValues() {}

  /** The key/value pairs of {@code text}, a file with this extension; empty for a format it does not read. */
  static List<Map.Entry<String, String>> parse(String extension, String text) throws IOException {
    List<Map.Entry<String, String>> out = new ArrayList<>();
    switch (extension) {
      case "properties": {
        Properties p = new Properties();
        p.load(new StringReader(text));
        for (String k : p.stringPropertyNames()) {
          out.add(pair(k, p.getProperty(k)));
        }
        break;
      }
      case "yml":
      case "yaml":
        try (MappingIterator<Object> docs = YAML.readerFor(Object.class).readValues(text)) {
          while (docs.hasNext()) {
            flatten("", docs.next(), out);
          }
        }
        break;
      case "json":
        flatten("", JSON.readValue(text, Object.class), out);
        break;
      case "xml":
        for (Matcher m = XML_ELEMENT.matcher(text); m.find(); ) {
          out.add(pair(m.group(1), m.group(2).trim()));
        }
        for (Matcher m = XML_ATTRIBUTE.matcher(text); m.find(); ) {
          out.add(pair(m.group(1), m.group(3) != null ? m.group(3) : m.group(4)));
        }
        for (Matcher m = XML_NAME_VALUE.matcher(text); m.find(); ) {
          out.add(pair(m.group(1), m.group(3) != null ? m.group(3) : m.group(4)));
        }
        break;
      case "conf":
      case "toml":
      case "ini":
        String section = "";
        for (String line : text.split("\r?\n")) {
          String l = line.trim();
          if (l.startsWith("[") && l.endsWith("]")) {
            section = l.replaceAll("[\\[\\]\"]", "").trim() + ".";
            continue;
          }
          int sep = KeyedConfigWriter.separator(l);
          if (sep > 0 && !l.startsWith("#")) {
            out.add(pair(section + l.substring(0, sep).trim(), unquote(l.substring(sep + 1).trim())));
          }
        }
        break;
      default:
        break;
    }
    return out;
  }

  private static void flatten(String prefix, Object node, List<Map.Entry<String, String>> out) {
    if (node instanceof Map) {
      for (Map.Entry<?, ?> e : ((Map<?, ?>) node).entrySet()) {
        flatten(prefix.isEmpty() ? String.valueOf(e.getKey()) : prefix + "." + e.getKey(), e.getValue(), out);
      }
    } else if (node instanceof List) {
      List<?> list = (List<?>) node;
      for (int i = 0; i < list.size(); i++) {
        flatten(prefix + "[" + i + "]", list.get(i), out);
      }
    } else if (node != null) {
      out.add(pair(prefix, String.valueOf(node)));
    }
  }

  static String unquote(String v) {
    if (v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) {
      return v.substring(1, v.length() - 1);
    }
    return v;
  }

  private static Map.Entry<String, String> pair(String k, String v) {
    return new AbstractMap.SimpleImmutableEntry<>(k, v);
  }
}
