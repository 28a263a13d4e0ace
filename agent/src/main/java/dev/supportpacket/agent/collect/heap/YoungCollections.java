package dev.supportpacket.agent.collect.heap;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * Waits for the end of the application's next young collection. Right after one, the young generation is empty: a
 * heap walk then has the least garbage to step over (a shorter pause) and counts little that is already dead.
 */
final class YoungCollections {
  private YoungCollections() {}

  /**
   * True when a young collection ended within {@code atMost}; false when none did, or when this JVM does not report
   * them (a collector without young collections, or no GC notifications).
   */
  static boolean awaitNext(Duration atMost) throws InterruptedException {
    CountDownLatch ended = new CountDownLatch(1);
    NotificationListener listener = new NotificationListener() {
      @Override
      public void handleNotification(Notification n, Object handback) {
        if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())
            && "end of minor GC".equals(
                GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData()).getGcAction())) {
          ended.countDown();
        }
      }
    };
    List<NotificationEmitter> subscribed = new ArrayList<>();
    try {
      for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
        if (gc instanceof NotificationEmitter) {
          ((NotificationEmitter) gc).addNotificationListener(listener, null, null);
          subscribed.add((NotificationEmitter) gc);
        }
      }
      return !subscribed.isEmpty() && ended.await(atMost.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RuntimeException | LinkageError e) {
      return false; // no jdk.management in this runtime: walk now
    } finally {
      for (NotificationEmitter e : subscribed) {
        try {
          e.removeNotificationListener(listener);
        } catch (ListenerNotFoundException ignored) {
          // removed already
        }
      }
    }
  }
}
