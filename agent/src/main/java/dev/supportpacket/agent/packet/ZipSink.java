package dev.supportpacket.agent.packet;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;

/**
 * Writes the archive under a temporary name and renames it when sealed, so that a half-written packet never looks
 * complete. Each entry is first written (already sanitized) to a scratch file in a private directory, then copied
 * into the zip under a lock: collectors run in parallel, and one that hangs halfway never blocks the others or
 * leaves a torn entry.
 */
public final class ZipSink implements EntrySink, AutoCloseable {
  private final Path partFile;
  private final Path finalFile;
  private final Path scratchDir;
  private final FileChannel channel;
  private final ZipArchiveOutputStream zip;
  private final AtomicLong counter = new AtomicLong();
  /** Names whose scratch copy stays until the sink closes, so that the packet's analysis can read them back. */
  private final Set<String> keep;
  private final Map<String, Path> kept = new ConcurrentHashMap<>();
  private boolean sealed;

  private ZipSink(Path partFile, Path finalFile, Path scratchDir, FileChannel channel, ZipArchiveOutputStream zip,
      Set<String> keep) {
    this.keep = Set.copyOf(keep);
    this.partFile = partFile;
    this.channel = channel;
    this.finalFile = finalFile;
    this.scratchDir = scratchDir;
    this.zip = zip;
  }

  /**
   * Creates an unpredictable {@code .support-packet-<pid>-<host>-<random>.part} (mode 0600) beside
   * {@code finalFile}, exclusively; the zip is written through that handle only.
   *
   * @param scratchDir a private directory (0700) for entries in progress; emptied and removed on close
   */
  public static ZipSink create(Path finalFile, Path scratchDir) throws IOException {
    return create(finalFile, scratchDir, Set.of());
  }

  /**
   * As {@link #create(Path, Path)}, keeping the committed bytes of the entries named in {@code keep} readable
   * through {@link #committed} until the sink closes: small text entries the packet's analysis reads.
   */
  public static ZipSink create(Path finalFile, Path scratchDir, Set<String> keep) throws IOException {
    Path part = PrivateFiles.temporaryName(finalFile.getParent(), ".part");
    FileChannel ch = PrivateFiles.createNew(part);
    try {
      return new ZipSink(part, finalFile, scratchDir, ch, new ZipArchiveOutputStream(ch), keep);
    } catch (RuntimeException e) {
      ch.close();
      PrivateFiles.deleteQuietly(part);
      throw e;
    }
  }

  @Override
  public EntryOutput begin(String name) throws IOException {
    Path scratch = scratchDir.resolve("entry-" + counter.incrementAndGet());
    PrivateFiles.createFile(scratch);
    OutputStream os = new BufferedOutputStream(Files.newOutputStream(scratch, StandardOpenOption.WRITE));
    return new EntryOutput() {
      private boolean closed;

      @Override
      public OutputStream stream() {
        return os;
      }

      @Override
      public InputStream written() throws IOException {
        os.close();
        return Files.newInputStream(scratch);
      }

      @Override
      public long size() throws IOException {
        os.close();
        return Files.size(scratch);
      }

      @Override
      public long commit() throws IOException {
        long size = size();
        synchronized (ZipSink.this) {
          if (sealed) {
            throw new IOException("packet already sealed; entry " + name + " came too late");
          }
          ZipArchiveEntry e = new ZipArchiveEntry(name);
          e.setUnixMode(0100600);
          e.setSize(size);
          if (name.endsWith(".gz")) {
            // Already compressed: deflating it again costs seconds per GB of heap dump and saves nothing. The
            // archive is a seekable file, so the STORED entry's CRC is written afterwards.
            e.setMethod(ZipArchiveEntry.STORED);
          }
          zip.putArchiveEntry(e);
          Files.copy(scratch, zip);
          zip.closeArchiveEntry();
        }
        if (keep.contains(name)) {
          kept.put(name, scratch);
        }
        return size;
      }

      @Override
      public void close() throws IOException {
        if (!closed) {
          closed = true;
          os.close();
          if (!scratch.equals(kept.get(name))) {
            Files.deleteIfExists(scratch);
          }
        }
      }
    };
  }

  @Override
  public Optional<InputStream> committed(String name) throws IOException {
    Path p = kept.get(name);
    return p == null ? Optional.empty() : Optional.of(Files.newInputStream(p));
  }

  /**
   * Finishes the zip, measures it through the handle it was written with, and gives it its final name, which never
   * replaces an existing file: when that name is taken, {@code <name>-2.zip} and so on. Entries committed afterwards
   * are refused.
   *
   * @throws FileAlreadyExistsException when nine names are taken
   */
  public synchronized SealedFile seal() throws IOException {
    sealed = true;
    zip.finish();
    channel.force(true);
    SealedFile readBack = SealedFile.measure(finalFile, channel);
    zip.close();
    // A file of our name found there (planted, or a packet of the same second) is kept: ours takes the next name.
    for (int n = 1; ; n++) {
      Path name = n == 1 ? finalFile : numbered(finalFile, n);
      try {
        PrivateFiles.publish(partFile, name);
        return readBack.renamed(name);
      } catch (FileAlreadyExistsException e) {
        if (n == 9) {
          throw e;
        }
      }
    }
  }

  private static Path numbered(Path file, int n) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return file.resolveSibling(dot > 0 ? name.substring(0, dot) + "-" + n + name.substring(dot) : name + "-" + n);
  }

  /** Removes the scratch directory, and the partial archive unless it was sealed. Never throws. */
  @Override
  public void close() {
    synchronized (this) {
      if (!sealed) {
        sealed = true;
        try {
          zip.close();
        } catch (IOException | RuntimeException ignored) {
          // the partial archive is deleted below anyway
        }
      }
    }
    PrivateFiles.deleteQuietly(partFile);
    PrivateFiles.deleteTree(scratchDir);
  }

}
