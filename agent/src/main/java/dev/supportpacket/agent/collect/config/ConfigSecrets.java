package dev.supportpacket.agent.collect.config;

import dev.supportpacket.agent.boot.Daemon;
import dev.supportpacket.agent.sanitize.Sanitizer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Learns the secrets written in the application's config files before any collector runs, so that a password from
 * {@code application.yml} is scrubbed literally from the logs, thread names and JFR strings too, even where it
 * appears without its key ({@code connecting with secret s3cr3t}).
 */
public final class ConfigSecrets {
  private ConfigSecrets() {}

  /**
   * Learns from every discovered file it can read and parse, on a thread of its own, for at most {@code deadline}. A
   * file it cannot read or parse is left to the text filter.
   *
   * @throws NotLearned when learning overran (a read that blocks: a hung network mount); the learning thread is
   *     interrupted and left behind, a daemon that ends when its read returns, and learns into nothing that is used
   */
  public static void learnInto(Sanitizer sanitizer, Duration deadline) {
    learnInto(sanitizer, deadline, List.of());
  }

  /**
   * Like {@link #learnInto(Sanitizer, Duration)}, learning from the config-format files among the operator's
   * {@code --include} paths too: a password in an included {@code db.ini} is scrubbed from the logs as well.
   */
  public static void learnInto(Sanitizer sanitizer, Duration deadline, List<Path> includes) {
    learnInto(sanitizer, deadline, ConfigDiscovery::ofThisProcess, includes);
  }

  static void learnInto(Sanitizer sanitizer, Duration deadline, Supplier<ConfigDiscovery> discovery) {
    learnInto(sanitizer, deadline, discovery, List.of());
  }

  private static void learnInto(Sanitizer sanitizer, Duration deadline, Supplier<ConfigDiscovery> discovery,
      List<Path> includes) {
    AtomicReference<String> reading = new AtomicReference<>("the list of config files");
    Thread learner = Daemon.start("learn-config", () -> {
      List<ConfigFile> files;
      try {
        files = discovery.get().discover();
      } catch (RuntimeException | LinkageError e) {
        return;
      }
      for (ConfigFile f : files) {
        if (Thread.currentThread().isInterrupted()) {
          return;
        }
        if (f.refusal().isEmpty()) {
          reading.set(f.location());
          learnFrom(sanitizer, f.extension(), f);
        }
      }
      for (Map.Entry<ConfigFile, String> f : IncludedFilesCollector.configFiles(includes).entrySet()) {
        if (Thread.currentThread().isInterrupted()) {
          return;
        }
        reading.set(f.getKey().location());
        learnFrom(sanitizer, f.getValue(), f.getKey());
      }
    });
    try {
      learner.join(deadline.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (learner.isAlive()) {
      learner.interrupt();
      throw new NotLearned("the secrets of the config files were not learned within " + deadline.toSeconds()
          + " s: reading " + reading.get() + " did not return (a hung network mount, or a special file?); no"
          + " packet was written, since their values could not be scrubbed from it; fix the mount or ask again");
    }
  }

  /**
   * Learning overran its deadline; the message names what it was reading. Unchecked: it crosses the collector
   * runner, which cancels the collectors on its way out.
   */
  public static final class NotLearned extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NotLearned(String message) {
      super(message);
    }
  }

  static void learnFrom(Sanitizer sanitizer, String format, ConfigFile f) {
    try {
      for (Map.Entry<String, String> kv : ConfigKeyValues.parse(format, ConfigText.read(f))) {
        sanitizer.learn(kv.getKey(), kv.getValue());
      }
    } catch (Exception | LinkageError e) {
      // Unparseable or unreadable: the collector reports it, and its lines still pass the text filter.
    }
  }
}
