package dev.supportpacket.agent.collect.profile;

import dev.supportpacket.agent.collect.CollectContext;
import dev.supportpacket.agent.collect.Collector;
import dev.supportpacket.agent.collect.RecordingHandoff;
import dev.supportpacket.agent.options.PacketOptions;
import dev.supportpacket.agent.packet.Packet;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Records the JFR events that explain a slow or sick application, beside the CPU profile and over the same window:
 * GC pauses and heap summaries, monitor enters, parks and I/O over a threshold, exception counts, allocation samples
 * and per-thread CPU load. Writes {@code profile/events.jfr} (only the {@linkplain #EVENTS listed types}, rebuilt
 * by the {@link JfrScrubber}) and {@code jvm/events.json}, a summary read from the raw recording whose strings all
 * pass the sanitizer; both read back in the attach CLI when one waits for it ({@link RecordingHandoff}).
 *
 * <p>Thresholds keep the cost low: a wait or an I/O shorter than {@link #THRESHOLD} writes nothing; allocation
 * samples are throttled by JFR itself; periodic events come once a second.
 */
public final class JfrEventsCollector implements Collector {
  static final Duration THRESHOLD = Duration.ofMillis(20);
  /** Event type and its settings; the keys are also the allow list of what leaves the process. */
  static final Map<String, Map<String, String>> EVENTS = events();

  private final PacketRecording recording;

  /** Events with a recording of their own. */
  public JfrEventsCollector() {
    this(new PacketRecording());
  }

  /** Events that share {@code recording} with the packet's other JFR collectors. */
  public JfrEventsCollector(PacketRecording recording) {
    this.recording = recording;
    Map<String, String> settings = new LinkedHashMap<>();
    EVENTS.forEach((event, values) -> values.forEach((k, v) -> settings.put(event + "#" + k, v)));
    recording.enlist(settings);
  }

  @Override
  public String id() {
    return "jfr-events";
  }

  @Override
  public Duration timeout(PacketOptions options) {
    return options.profileDuration().plusSeconds(60);
  }

  @Override
  public void collect(CollectContext ctx, Packet packet) throws Exception {
    Recordings.record(ctx, packet, recording, RecordingEntries.EVENTS, left -> { }, use -> { });
  }

  private static Map<String, Map<String, String>> events() {
    String threshold = THRESHOLD.toMillis() + " ms";
    Map<String, String> waits = Map.of("enabled", "true", "threshold", threshold, "stackTrace", "true");
    Map<String, String> plain = Map.of("enabled", "true");
    Map<String, String> everySecond = Map.of("enabled", "true", "period", "1 s");
    Map<String, Map<String, String>> m = new LinkedHashMap<>();
    m.put("jdk.GarbageCollection", plain);
    m.put("jdk.GCHeapSummary", plain);
    m.put("jdk.JavaMonitorEnter", waits);
    m.put("jdk.ThreadPark", waits);
    m.put("jdk.SocketRead", waits);
    m.put("jdk.SocketWrite", waits);
    m.put("jdk.FileRead", waits);
    m.put("jdk.FileWrite", waits);
    m.put("jdk.ExceptionStatistics", everySecond);
    // JDK 16+; older JVMs ignore an unknown name. 150/s is the JDK's own "profile" setting.
    m.put("jdk.ObjectAllocationSample", Map.of("enabled", "true", "throttle", "150/s", "stackTrace", "true"));
    m.put("jdk.ThreadCPULoad", everySecond);
    return java.util.Collections.unmodifiableMap(m);
  }
}
