package dev.supportpacket.agent.collect.jvm;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Command-line arguments as a YAML tree: {@code -Dname=value}, {@code --name=value} and {@code -XX:Name=value}
 * become one-entry maps so that the sanitizer sees the key and redacts a secret value whole; others stay strings.
 */
final class ArgumentList {
  private ArgumentList() {}

  static List<Object> asTree(List<String> args) {
    List<Object> out = new ArrayList<>(args.size());
    for (String a : args) {
      int eq = a.indexOf('=');
      if (eq > 1 && a.startsWith("-")) {
        out.add(Map.of(a.substring(0, eq), a.substring(eq + 1)));
      } else {
        out.add(a);
      }
    }
    return out;
  }
}
