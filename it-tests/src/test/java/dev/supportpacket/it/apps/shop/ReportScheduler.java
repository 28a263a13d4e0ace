package dev.supportpacket.it.apps.shop;

import dev.supportpacket.it.apps.Ready;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Creates an executor for every report request and never shuts it down: a thread leak. */
public final class ReportScheduler {
  private ReportScheduler() {}

  public static void main(String[] args) throws Exception {
    for (int request = 0; request < 80; request++) {
      ExecutorService perRequest = Executors.newSingleThreadExecutor();
      perRequest.submit(() -> "report");
    }
    Ready.announce();
  }
}
