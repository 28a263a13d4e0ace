package dev.supportpacket.agent.collect.config;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Walks the paths the operator included ({@code --include}), trusting nothing it finds there: what a directory holds
 * may have been planted by another local user. Reads names and attributes only; decides for each file whether it may
 * be read, and why not:
 *
 * <ul>
 *   <li>a link is never followed: one that leads out of the included path (after resolving every link) is listed as
 *       such; one that stays inside is listed too, since what it leads to is walked where it is (no loops, no file
 *       twice);
 *   <li>FIFOs, sockets and devices are listed and never opened (opening a FIFO waits for a writer for ever);
 *   <li>files permissioned like secrets are refused as config files are ({@link ConfigFileCheck});
 *   <li>at most {@value #MAX_DEPTH} directory levels and {@value #MAX_FILES} files in all.
 * </ul>
 *
 * The included path itself is the operator's word: when it is a link, it is followed.
 */
final class IncludeWalk {
  static final int MAX_DEPTH = 8;
  static final int MAX_FILES = 500;

  private final ConfigFileCheck check;
  private final List<Item> items = new ArrayList<>();
  private final Set<Path> seen = new HashSet<>();
  private int files;
  private int notLookedAt;

  IncludeWalk(ConfigFileCheck check) {
    this.check = check;
  }

  /** One file or special file found: where, really where, and why it is not read (empty when it may be). */
  static final class Item {
    final Path asFound;
    final Path real;
    final Optional<String> refusal;
    /** The file's identity (device and inode) when it was looked at; null when unknown. */
    final Object fileKey;

    Item(Path asFound, Path real, Optional<String> refusal) {
      this(asFound, real, refusal, null);
    }

    Item(Path asFound, Path real, Optional<String> refusal, Object fileKey) {
      this.asFound = asFound;
      this.real = real;
      this.refusal = refusal;
      this.fileKey = fileKey;
    }

    /**
     * Why the file may not be opened now: it is no longer the regular file that was looked at (swapped for a FIFO
     * or a link since: opening a FIFO would wait for ever); empty when it still is. Narrows the window, as far as
     * Java can (it cannot open without blocking).
     */
    Optional<String> changedSince() {
      try {
        BasicFileAttributes now = Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (now.isRegularFile() && (fileKey == null || fileKey.equals(now.fileKey()))) {
          return Optional.empty();
        }
      } catch (IOException | RuntimeException e) {
        // gone: said below
      }
      return Optional.of("changed since it was looked at (replaced or removed): not read");
    }
  }

  /** Everything found under {@code included}, in a stable order; call for each included path in turn. */
  void walk(Path included) {
    Path asGiven = included.toAbsolutePath().normalize();
    Path root;
    try {
      root = asGiven.toRealPath();
    } catch (IOException e) {
      items.add(new Item(asGiven, null, Optional.of(Files.exists(asGiven, LinkOption.NOFOLLOW_LINKS)
          ? "cannot be resolved (" + e.getClass().getSimpleName() + ")"
          : "does not exist as the target sees it (for a target in a container: a path inside the container)")));
      return;
    }
    if (Files.isDirectory(root)) {
      directory(asGiven, root, root, 0);
    } else {
      file(asGiven, root);
    }
  }

  List<Item> items() {
    return List.copyOf(items);
  }

  /** Files not even looked at once {@value #MAX_FILES} were. */
  int notLookedAt() {
    return notLookedAt;
  }

  private void directory(Path asFound, Path real, Path root, int depth) {
    if (depth >= MAX_DEPTH) {
      items.add(new Item(asFound, real,
          Optional.of("a directory deeper than " + MAX_DEPTH + " levels: not looked into")));
      return;
    }
    List<Path> children = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(real)) {
      for (Path c : ds) {
        // A directory of millions of entries: stop listing it well before it costs the target.
        if (children.size() > MAX_FILES) {
          break;
        }
        children.add(c);
      }
    } catch (IOException | RuntimeException e) {
      items.add(new Item(asFound, real, Optional.of("directory cannot be listed (" + e.getClass().getSimpleName()
          + "): not readable by the target's user?")));
      return;
    }
    Collections.sort(children);
    for (Path c : children) {
      Path name = c.getFileName();
      Path childAsFound = asFound.resolve(name.toString());
      BasicFileAttributes a = attributes(childAsFound, c);
      if (a == null) {
        continue;
      }
      if (a.isSymbolicLink()) {
        link(childAsFound, c, root);
      } else if (a.isDirectory()) {
        directory(childAsFound, c, root, depth + 1);
      } else {
        file(childAsFound, c);
      }
    }
  }

  /** The attributes of {@code p} itself (a link is not followed); null, and listed with the reason, when unknown. */
  private BasicFileAttributes attributes(Path asFound, Path p) {
    try {
      return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException | RuntimeException e) {
      items.add(new Item(asFound, p, Optional.of("cannot be looked at (" + e.getClass().getSimpleName() + ")")));
      return null;
    }
  }

  private void link(Path asFound, Path link, Path root) {
    Path target;
    try {
      target = link.toRealPath();
    } catch (IOException e) {
      items.add(new Item(asFound, link, Optional.of("a link to nothing (dangling): not followed")));
      return;
    }
    if (!target.startsWith(root)) {
      items.add(new Item(asFound, target, Optional.of("a link to " + target + ", outside the included " + root
          + ": not followed (include that path itself if it is wanted)")));
    } else {
      // Followed, it would give a file twice or a directory loop; what it leads to is walked where it is.
      items.add(new Item(asFound, target, Optional.of("a link inside the included path: not followed (what it leads"
          + " to is included where it is)")));
    }
  }

  private void file(Path asFound, Path real) {
    if (!seen.add(real)) {
      return;
    }
    if (++files > MAX_FILES) {
      notLookedAt++;
      return;
    }
    BasicFileAttributes a = attributes(asFound, real);
    if (a == null) {
      return;
    }
    if (!a.isRegularFile()) {
      items.add(new Item(asFound, real, Optional.of("a FIFO, socket or device: never opened")));
      return;
    }
    if (!Files.isReadable(real)) {
      items.add(new Item(asFound, real, Optional.of("not readable by the target's user")));
      return;
    }
    items.add(new Item(asFound, real, check.permissionRefusal(real), a.fileKey()));
  }
}
