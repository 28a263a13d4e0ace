package dev.supportpacket.agent.collect.config;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * One configuration file the application uses: on disk or a class path resource (possibly inside a jar). Immutable.
 */
public final class ConfigFile {
  private final String location;
  private final String relativeName;
  private final String foundBy;
  private final Path path;
  private final URL url;
  private final Path realPath;
  private final String refusal;

  private ConfigFile(
      String location, String relativeName, String foundBy, Path path, URL url, Path realPath, String refusal) {
    this.location = location;
    this.relativeName = relativeName;
    this.foundBy = foundBy;
    this.path = path;
    this.url = url;
    this.realPath = realPath;
    this.refusal = refusal;
  }

  /**
   * A file on disk found at {@code path}, really at {@code realPath} (links resolved).
   *
   * @param refusal why it must not be read ({@link ConfigFileCheck}), or empty
   */
  static ConfigFile onDisk(Path path, Path realPath, String relativeName, String foundBy, Optional<String> refusal) {
    return new ConfigFile(path.toString(), relativeName, foundBy, path, null, realPath, refusal.orElse(null));
  }

  static ConfigFile resource(URL url, String relativeName, String foundBy) {
    return new ConfigFile(url.toString(), relativeName, foundBy, null, url, null, null);
  }

  ConfigFile withName(String name) {
    return new ConfigFile(location, name, foundBy, path, url, realPath, refusal);
  }

  /** Where a file on disk really is, when that is not where it was found (it was reached through a link). */
  public Optional<Path> realPath() {
    return realPath == null || realPath.equals(path) ? Optional.empty() : Optional.of(realPath);
  }

  /** Why this file must not be read into the packet, nor learned from; empty when it may be. */
  public Optional<String> refusal() {
    return Optional.ofNullable(refusal);
  }

  /** The file's path, or its class path URL ({@code jar:file:/app.jar!/application.yml}). */
  public String location() {
    return location;
  }

  /** A name under {@code config/} that says where it came from and is safe as a zip entry name. */
  public String relativeName() {
    return relativeName;
  }

  /** How it was found: "spring boot default location", "system property logging.config", "class path"… */
  public String foundBy() {
    return foundBy;
  }

  /** The path on disk; empty for a class path resource. */
  public Optional<Path> path() {
    return Optional.ofNullable(path);
  }

  /** The lower-case extension without the dot: yml, properties, xml…; empty when there is none. */
  public String extension() {
    String n = relativeName.substring(relativeName.lastIndexOf('/') + 1);
    int dot = n.lastIndexOf('.');
    return dot < 0 ? "" : n.substring(dot + 1).toLowerCase(Locale.ROOT);
  }

  /** Size in bytes; -1 when a resource does not tell. */
  public long size() throws IOException {
    if (path != null) {
      return Files.size(realPath);
    }
    URLConnection c = url.openConnection();
    c.setUseCaches(false);
    long n = c.getContentLengthLong();
    try (InputStream in = c.getInputStream()) {
      return n;
    }
  }

  /**
   * Opens the content. For a resource inside a jar the JDK's cache is bypassed, so that no jar file is left open on
   * the application's behalf once the stream is closed.
   */
  public InputStream open() throws IOException {
    if (refusal != null) {
      throw new IOException(location + " is not read: " + refusal);
    }
    if (path != null) {
      // The path resolved when it was checked, not the name again: a link swapped since then is not followed.
      return Files.newInputStream(realPath, LinkOption.NOFOLLOW_LINKS);
    }
    URLConnection c = url.openConnection();
    c.setUseCaches(false);
    return c.getInputStream();
  }
}
