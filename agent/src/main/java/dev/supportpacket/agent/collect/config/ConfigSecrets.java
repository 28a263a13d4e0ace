package dev.supportpacket.agent.collect.config;

import dev.supportpacket.agent.sanitize.Sanitizer;
import java.util.List;
import java.util.Map;

/**
 * Learns the secrets written in the application's config files before any collector runs, so that a password from
 * {@code application.yml} is scrubbed literally from the logs, thread names and JFR strings too, even where it
 * appears without its key ({@code connecting with secret s3cr3t}).
 */
public final class ConfigSecrets {
  private ConfigSecrets() {}

  /** Learns from every discovered file it can read and parse; a file it cannot is left to the text filter. Never throws. */
  public static void learnInto(Sanitizer sanitizer) {
    List<ConfigFile> files;
    try {
      files = ConfigDiscovery.ofThisProcess().discover();
    } catch (RuntimeException | LinkageError e) {
      return;
    }
    for (ConfigFile f : files) {
      if (f.refusal().isEmpty()) {
        learnFrom(sanitizer, f);
      }
    }
  }

  static void learnFrom(Sanitizer sanitizer, ConfigFile f) {
    try {
      for (Map.Entry<String, String> kv : ConfigKeyValues.parse(f.extension(), ConfigText.read(f))) {
        sanitizer.learn(kv.getKey(), kv.getValue());
      }
    } catch (Exception | LinkageError e) {
      // Unparseable or unreadable: the collector reports it, and its lines still pass the text filter.
    }
  }
}
