package dev.supportpacket.it.apps.shop;

import com.sun.management.UnixOperatingSystemMXBean;
import dev.supportpacket.it.apps.Ready;
import java.io.FileInputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Opens each archived file to checksum it and never closes it: descriptors leak until the limit is near. */
public final class FileArchiver {
  private static final List<FileInputStream> OPEN = new ArrayList<>();

  private FileArchiver() {}

  public static void main(String[] args) throws Exception {
    UnixOperatingSystemMXBean os = (UnixOperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    Path archive = Files.createTempFile("archive-", ".dat");
    archive.toFile().deleteOnExit();
    // Leave room for the JVM and the packet agent: 92 % of the limit, as a leak found just in time.
    long target = os.getMaxFileDescriptorCount() * 92 / 100;
    // Counting lists /proc/self/fd: once per file it made this quadratic, minutes for 18,000 files on a loaded
    // machine. Open what is missing, then count again (the JVM may have opened some of its own meanwhile).
    for (long open = os.getOpenFileDescriptorCount(); open < target; open = os.getOpenFileDescriptorCount()) {
      for (long i = open; i < target; i++) {
        OPEN.add(new FileInputStream(archive.toFile()));
      }
    }
    Ready.announce();
  }
}
