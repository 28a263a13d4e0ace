package dev.supportpacket.agent.findings.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/** The entries of a packet zip on disk, for {@code attach.jar analyze}. Close it when done. */
public final class ZipEntries implements PacketEntries, AutoCloseable {
  private final ZipFile zip;
  private final List<String> names;

  private ZipEntries(ZipFile zip, List<String> names) {
    this.zip = zip;
    this.names = names;
  }

  /** @throws IOException when the file is not a readable zip */
  public static ZipEntries open(Path file) throws IOException {
    ZipFile zip = new ZipFile(file.toFile());
    List<String> names = new ArrayList<>();
    for (ZipEntry e : Collections.list(zip.entries())) {
      if (!e.isDirectory()) {
        names.add(e.getName());
      }
    }
    return new ZipEntries(zip, List.copyOf(names));
  }

  @Override
  public List<String> names() {
    return names;
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
