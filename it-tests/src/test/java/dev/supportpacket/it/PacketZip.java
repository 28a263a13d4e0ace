package dev.supportpacket.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/** An unzipped packet: entry names and contents, read once. */
public final class PacketZip {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private final Path path;
  private final Map<String, byte[]> entries = new LinkedHashMap<>();

  public PacketZip(Path path) throws IOException {
    this.path = path;
    try (ZipFile zip = new ZipFile(path.toFile())) {
      for (ZipEntry e : java.util.Collections.list(zip.entries())) {
        entries.put(e.getName(), zip.getInputStream(e).readAllBytes());
      }
    }
  }

  public Path path() {
    return path;
  }

  public Map<String, byte[]> entries() {
    return entries;
  }

  public boolean has(String name) {
    return entries.containsKey(name);
  }

  public String text(String name) {
    byte[] b = entries.get(name);
    if (b == null) {
      throw new AssertionError(name + " is not in the packet; it has " + entries.keySet());
    }
    return new String(b, StandardCharsets.UTF_8);
  }

  @SuppressWarnings("unchecked")
  public Map<String, Object> yaml(String name) throws IOException {
    return YAML.readValue(text(name), Map.class);
  }

  /** Writes one entry to a file, e.g. to run jfr print on it. */
  public Path extract(String name, Path dir) throws IOException {
    Path out = dir.resolve(name.replace('/', '_'));
    Files.write(out, entries.get(name));
    return out;
  }
}
