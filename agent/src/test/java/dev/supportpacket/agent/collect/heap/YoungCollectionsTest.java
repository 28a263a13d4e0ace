package dev.supportpacket.agent.collect.heap;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class YoungCollectionsTest {
  static volatile Object sink;

  @Test
  void returnsOnceAYoungCollectionEnds() throws Exception {
    Thread churn = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        sink = new byte[64 * 1024]; // garbage: the young generation fills and is collected
      }
    });
    churn.setDaemon(true);
    churn.start();
    try {
      assertTrue(YoungCollections.awaitNext(Duration.ofSeconds(30)), "no young collection reported in 30 s");
    } finally {
      churn.interrupt();
      churn.join();
    }
  }

  @Test
  void givesUpAtTheDeadline() throws Exception {
    assertFalse(YoungCollections.awaitNext(Duration.ZERO));
  }
}
