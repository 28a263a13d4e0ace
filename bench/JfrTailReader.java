import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;

/**
 * The floor of bench/packet-vs-jcmd.sh: what any tool that sanitizes the recording must still do after JFR's stop, done
 * with the JDK's own parser and nothing of ours. Such a tool can read everything dumped before the stop while the
 * recording runs (the packet does, from a dump one second before the end); what was recorded after the last dump it
 * can read only once the recording is written. This reads exactly that, as fast as the JDK allows: a JVM already
 * started and warmed up on the same kind of recording, JFR's {@link RecordingFile} over every event, nothing
 * rewritten, nothing written, no JVM exit after it. Run as a source file, so nothing of it ships in the product.
 *
 * <p>Protocol, one line each way on stdin/stdout: {@code warm <file>} reads the whole file 5 times and answers
 * {@code ok}; {@code tail <file> <offset>} copies the file from {@code offset} (the dump's length: a JFR chunk is
 * self-contained, so the rest is a recording of its own) to a private file, reads its events and answers {@code <ms>
 * <events>}. A failure answers {@code error <message>}. End of input ends the process.
 */
public final class JfrTailReader {
  public static void main(String[] args) throws IOException {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line; (line = in.readLine()) != null; ) {
      String[] f = line.trim().split(" ");
      try {
        if (f[0].equals("warm")) {
          for (int i = 0; i < 5; i++) {
            read(Paths.get(f[1]));
          }
          System.out.println("ok");
        } else if (f[0].equals("tail")) {
          long t0 = System.nanoTime();
          Path tail = Files.createTempFile("jfr-tail-", ".jfr");
          try {
            try (InputStream s = Files.newInputStream(Paths.get(f[1])); OutputStream o = Files.newOutputStream(tail)) {
              s.skipNBytes(Long.parseLong(f[2]));
              s.transferTo(o);
            }
            long events = read(tail);
            System.out.println((System.nanoTime() - t0) / 1_000_000 + " " + events);
          } finally {
            Files.deleteIfExists(tail);
          }
        } else {
          System.out.println("error unknown command " + f[0]);
        }
      } catch (IOException | RuntimeException e) {
        System.out.println("error " + String.valueOf(e).replace('\n', ' '));
      }
      System.out.flush();
    }
  }

  /** Every event of the file, parsed by JFR; returns how many. */
  private static long read(Path file) throws IOException {
    long n = 0;
    try (RecordingFile r = new RecordingFile(file)) {
      while (r.hasMoreEvents()) {
        // Parsed whole, its stack trace and strings resolved from the chunk's constant pools: what a sanitizer sees.
        RecordedEvent e = r.readEvent();
        n += e == null ? 0 : 1;
      }
    }
    return n;
  }
}
