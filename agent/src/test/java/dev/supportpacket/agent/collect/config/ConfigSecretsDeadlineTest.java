package dev.supportpacket.agent.collect.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.supportpacket.agent.sanitize.Sanitizer;
import dev.supportpacket.agent.sanitize.SanitizerSettings;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class ConfigSecretsDeadlineTest {
  @Test
  void learningThatBlocksIsAbandonedAtItsDeadlineAndSaysWhatItWasReading() throws Exception {
    CountDownLatch mountComesBack = new CountDownLatch(1);
    Thread[] learner = new Thread[1];
    Sanitizer sanitizer = Sanitizer.create(SanitizerSettings.load(Optional.empty(), Optional.empty()));
    ConfigSecrets.NotLearned cut = assertThrows(ConfigSecrets.NotLearned.class,
        () -> ConfigSecrets.learnInto(sanitizer, Duration.ofMillis(300), () -> {
          learner[0] = Thread.currentThread();
          // Like a read on a hung NFS mount: deaf to interrupts until the mount comes back.
          while (mountComesBack.getCount() > 0) {
            try {
              mountComesBack.await();
            } catch (InterruptedException ignored) {
              // not interruptible
            }
          }
          throw new IllegalStateException("the mount came back");
        }));
    assertTrue(cut.getMessage().contains("reading the list of config files did not return"), cut.getMessage());
    assertTrue(cut.getMessage().contains("no packet was written"), cut.getMessage());
    assertTrue(learner[0].getName().startsWith("support-packet-") && learner[0].isDaemon(), learner[0].getName());
    mountComesBack.countDown();
    learner[0].join(10_000);
    assertFalse(learner[0].isAlive(), "the learner ends once its read returns");
  }
}
