package dev.supportpacket.it.apps.shop;

import dev.supportpacket.it.apps.Ready;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Keeps an executor per report request, meant to be shut down when the report is delivered, which never happens:
 * a thread leak (kept in a map, so that JDK 21+'s cleaner of unreachable executors cannot save it).
 */
public final class ReportScheduler {
  private static final Map<Integer, ExecutorService> PER_REQUEST = new ConcurrentHashMap<>();

  private ReportScheduler() {}

  public static void main(String[] args) throws Exception {
    for (int request = 0; request < 80; request++) {
      ExecutorService perRequest = Executors.newSingleThreadExecutor();
      PER_REQUEST.put(request, perRequest);
      perRequest.submit(() -> "report");
    }
    Ready.announce();
  }
}
