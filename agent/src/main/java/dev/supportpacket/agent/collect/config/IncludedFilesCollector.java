package dev.supportpacket.agent.collect.config;

import dev.supportpacket.agent.collect.BinarySniff;
import dev.supportpacket.agent.collect.CollectContext;
import dev.supportpacket.agent.collect.Headroom;
import dev.supportpacket.agent.collect.Collector;
import dev.supportpacket.agent.options.PacketOptions;
import dev.supportpacket.agent.options.UntrustedText;
import dev.supportpacket.agent.packet.Packet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Writes the files and directories the operator included ({@code --include}, {@code include=}) under
 * {@code included/}, with {@code included/index.yaml}: each file whole, redacted by key when its format is a known
 * config format ({@link KeyedConfigWriter}), then filtered like any text. What the walk refuses ({@link IncludeWalk}),
 * binary files, files over {@value #MAX_FILE_MB} MB and whatever exceeds {@value #MAX_TOTAL_MB} MB in all are listed
 * with the reason, in the index and in report.txt's notes. Operator-only: a trigger cannot ask for it.
 */
public final class IncludedFilesCollector implements Collector {
  static final int MAX_FILE_MB = (int) (ConfigText.MAX_BYTES / (1024 * 1024));
  static final int MAX_TOTAL_MB = 20;
  /** report.txt names this many files left out, then points to the index. */
  private static final int MAX_NOTES = 20;
  /** Extensions read as a config format the key rules know, beyond {@link ConfigDiscovery#CONFIG_EXTENSIONS}. */
  private static final Map<String, String> FORMAT_ALIASES = Map.of("cfg", "ini", "cnf", "ini", "env", "properties");

  @Override
  public String id() {
    return "included-files";
  }

  @Override
  public Optional<String> offReason(PacketOptions options) {
    return options.includes().isEmpty() ? Optional.of("no --include given") : Optional.empty();
  }

  @Override
  public java.time.Duration timeout(PacketOptions options) {
    // 20 MB through the sanitizer on a busy machine, as the logs' 50 MB take up to 120 s.
    return java.time.Duration.ofSeconds(60);
  }

  @Override
  public void collect(CollectContext ctx, Packet packet) throws Exception {
    collect(ctx.options().includes(), ConfigFileCheck.ofThisProcess(Paths.get(System.getProperty("user.dir", "."))),
        packet);
  }

  void collect(List<Path> includes, ConfigFileCheck check, Packet packet) throws Exception {
    // Each file is read whole (up to 5 MB, its text twice that), unlike the logs, which stream.
    Headroom.require("the included files");
    IncludeWalk walk = new IncludeWalk(check);
    for (Path p : includes) {
      walk.walk(p);
    }
    List<Object> included = new ArrayList<>();
    List<Map<String, Object>> left = new ArrayList<>();
    Set<String> names = new HashSet<>();
    long total = 0;
    for (IncludeWalk.Item item : walk.items()) {
      if (Thread.currentThread().isInterrupted()) {
        throw new InterruptedException("cancelled while writing included files");
      }
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("source", item.asFound.toString());
      if (item.real != null && !item.real.equals(item.asFound)) {
        row.put("real_path", item.real.toString());
      }
      Optional<String> why = item.refusal.or(item::changedSince);
      byte[] bytes = null;
      if (why.isEmpty()) {
        try {
          long size = Files.size(item.real);
          if (size > ConfigText.MAX_BYTES) {
            why = Optional.of("larger than " + MAX_FILE_MB + " MB: not included (a file is included whole or not)");
          } else if (total + size > MAX_TOTAL_MB * 1024L * 1024L) {
            why = Optional.of("the " + MAX_TOTAL_MB + " MB for included files is used up");
          } else {
            bytes = ConfigText.bytes(ConfigFile.onDisk(item.asFound, item.real, "", "--include", Optional.empty()));
            why = BinarySniff.reason(bytes).map(b -> "binary content: listed, not copied (" + b + ")");
          }
        } catch (IOException e) {
          why = Optional.of("cannot read: " + e);
        }
      }
      if (why.isPresent()) {
        row.put("reason", why.get());
        left.add(row);
        continue;
      }
      String entry = unique("included/" + ConfigDiscovery.safeName(item.asFound.toString()), names);
      String text = ConfigText.decode(bytes);
      String format = format(item.asFound);
      packet.addKeyedText(entry, (out, redactor) -> new KeyedConfigWriter(redactor).write(format, text, out));
      total += bytes.length;
      Map<String, Object> ok = new LinkedHashMap<>();
      ok.put("entry", entry);
      ok.putAll(row);
      ok.put("size", bytes.length);
      included.add(ok);
    }
    Map<String, Object> index = new LinkedHashMap<>();
    List<String> asked = new ArrayList<>();
    includes.forEach(p -> asked.add(p.toString()));
    index.put("include", asked);
    index.put("files", included);
    if (!left.isEmpty()) {
      index.put("not_included", left);
    }
    if (walk.notLookedAt() > 0) {
      index.put("not_looked_at", walk.notLookedAt() + " more files: at most " + IncludeWalk.MAX_FILES + " are");
    }
    packet.addYaml("included/index.yaml", index);
    notes(packet, included.size(), left, walk.notLookedAt());
  }

  /**
   * report.txt says what was left out and why: our words and the files' names, one line each (a name may hold a line
   * break), no content; report.txt passes the sanitizer like every entry.
   */
  private static void notes(Packet packet, int included, List<Map<String, Object>> left, int notLookedAt) {
    packet.note(included + " file(s) from --include; " + left.size() + " listed, not included"
        + (notLookedAt > 0 ? "; " + notLookedAt + " not looked at (" + IncludeWalk.MAX_FILES + " files at most)" : "")
        + " (included/index.yaml)");
    for (int i = 0; i < left.size() && i < MAX_NOTES; i++) {
      Map<String, Object> row = left.get(i);
      packet.note("not included: " + UntrustedText.oneLine(row.get("source") + ": " + row.get("reason")));
    }
    if (left.size() > MAX_NOTES) {
      packet.note((left.size() - MAX_NOTES) + " more not included: see included/index.yaml");
    }
  }

  /**
   * The files of a config format among {@code includes}, each with its format, that the walk allows to be read: for
   * learning their secrets before any collector writes ({@link ConfigSecrets}).
   */
  static Map<ConfigFile, String> configFiles(List<Path> includes) {
    Map<ConfigFile, String> out = new LinkedHashMap<>();
    if (includes.isEmpty()) {
      return out;
    }
    IncludeWalk walk = new IncludeWalk(ConfigFileCheck.ofThisProcess(Paths.get(System.getProperty("user.dir", "."))));
    includes.forEach(walk::walk);
    for (IncludeWalk.Item item : walk.items()) {
      String format = format(item.asFound);
      if (item.refusal.isEmpty() && !format.isEmpty() && item.changedSince().isEmpty()) {
        out.put(ConfigFile.onDisk(item.asFound, item.real, "", "--include", Optional.empty()), format);
      }
    }
    return out;
  }

  /** The format whose key rules apply: a config extension, one of its aliases, or none (text rules only). */
  static String format(Path file) {
    String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
    int dot = name.lastIndexOf('.');
    String ext = dot < 0 ? "" : name.substring(dot + 1);
    if (ConfigDiscovery.CONFIG_EXTENSIONS.contains(ext)) {
      return ext;
    }
    return FORMAT_ALIASES.getOrDefault(ext, "");
  }

  private static String unique(String name, Set<String> taken) {
    String n = name;
    for (int i = 2; n.equals("included/index.yaml") || !taken.add(n); i++) {
      n = name + "~" + i;
    }
    return n;
  }
}
