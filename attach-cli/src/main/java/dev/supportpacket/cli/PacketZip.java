package dev.supportpacket.cli;

import dev.supportpacket.agent.findings.model.PacketEntries;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * A packet zip on disk, as the commands that read one ({@code scan}, {@code analyze}, the verdict after a packet)
 * open it: its entries in order, their sizes, their content. Public for bench/FindingsBench. Close it when done.
 */
public final class PacketZip implements PacketEntries, AutoCloseable {
  private final ZipFile zip;
  private final List<ZipEntry> entries;
  private final List<String> names;
  private final Map<String, Long> sizes;

  private PacketZip(ZipFile zip, List<ZipEntry> entries) {
    this.zip = zip;
    this.entries = List.copyOf(entries);
    Map<String, Long> m = new LinkedHashMap<>();
    entries.forEach(e -> m.put(e.getName(), e.getSize()));
    this.sizes = Collections.unmodifiableMap(m);
    this.names = List.copyOf(m.keySet());
  }

  /**
   * @throws IOException with a message that says why, for "cannot read FILE: …": no such file, not readable by this
   *     user, or not a zip
   */
  public static PacketZip open(Path file) throws IOException {
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw new IOException("no such file, or not readable by user " + System.getProperty("user.name"));
    }
    ZipFile zip;
    try {
      zip = new ZipFile(file.toFile());
    } catch (ZipException e) {
      throw new IOException("not a packet zip (" + e.getMessage() + ")", e);
    }
    List<ZipEntry> entries = new ArrayList<>();
    for (ZipEntry e : Collections.list(zip.entries())) {
      if (!e.isDirectory()) {
        entries.add(e);
      }
    }
    return new PacketZip(zip, entries);
  }

  /**
   * Every file entry in the zip's order, each one even when two share a name (a crafted zip may hold both, and a
   * reader other than ours may show the one a lookup by name would not): what {@code scan} reads.
   */
  List<ZipEntry> entries() {
    return entries;
  }

  /** The content of one of {@link #entries()}. */
  InputStream read(ZipEntry entry) throws IOException {
    return zip.getInputStream(entry);
  }

  @Override
  public List<String> names() {
    return names;
  }

  /** Entry name → uncompressed bytes (-1 when the zip does not say), in the zip's order. */
  public Map<String, Long> sizes() {
    return sizes;
  }

  @Override
  public Optional<InputStream> open(String name) throws IOException {
    ZipEntry e = zip.getEntry(name);
    return e == null || e.isDirectory() ? Optional.empty() : Optional.of(zip.getInputStream(e));
  }

  @Override
  public void close() throws IOException {
    zip.close();
  }
}
