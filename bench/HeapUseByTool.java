import java.nio.file.Path;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;

/**
 * Reads a recording of the target's allocation events (jdk.ObjectAllocationInNewTLAB with its TLAB size, and
 * jdk.ObjectAllocationOutsideTLAB) and prints, in KB, what the threads of the tool allocated in the target's heap
 * between two instants: ours are named support-packet-*, the JDK's attach and JFR threads serve both the packet and
 * jcmd. A TLAB counts whole when it is taken: an upper bound of what the thread used, and of its peak.
 *
 *   java HeapUseByTool.java recording.jfr from-epoch-ms to-epoch-ms
 */
public final class HeapUseByTool {
  public static void main(String[] args) throws Exception {
    long from = Long.parseLong(args[1]);
    long to = Long.parseLong(args[2]);
    long ours = 0;
    long jdk = 0;
    long largest = 0;
    for (RecordedEvent e : RecordingFile.readAllEvents(Path.of(args[0]))) {
      String type = e.getEventType().getName();
      if (!(type.equals("jdk.ObjectAllocationInNewTLAB") || type.equals("jdk.ObjectAllocationOutsideTLAB"))
          || e.getThread() == null) {
        continue;
      }
      long at = e.getStartTime().toEpochMilli();
      if (at < from || at > to) {
        continue;
      }
      String thread = String.valueOf(e.getThread().getJavaName());
      long bytes = type.endsWith("InNewTLAB") ? e.getLong("tlabSize") : e.getLong("allocationSize");
      if (thread.startsWith("support-packet-")) {
        ours += bytes;
      } else if (thread.equals("Attach Listener") || thread.startsWith("JFR ")) {
        jdk += bytes;
      } else {
        continue;
      }
      if (!type.endsWith("InNewTLAB")) {
        largest = Math.max(largest, bytes);
      }
    }
    System.out.println((ours >> 10) + " " + (jdk >> 10) + " " + (largest >> 10));
  }
}
