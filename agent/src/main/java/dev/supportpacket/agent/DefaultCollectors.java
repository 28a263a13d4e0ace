package dev.supportpacket.agent;

import dev.supportpacket.agent.collect.Collector;
import dev.supportpacket.agent.collect.LoadedClasses;
import dev.supportpacket.agent.collect.heap.HeapDumpCollector;
import dev.supportpacket.agent.collect.config.ConfigFilesCollector;
import dev.supportpacket.agent.collect.config.IncludedFilesCollector;
import dev.supportpacket.agent.collect.heap.HeapHistogramCollector;
import dev.supportpacket.agent.collect.jvm.EnvironmentCollector;
import dev.supportpacket.agent.collect.jvm.JvmArgumentsCollector;
import dev.supportpacket.agent.collect.jvm.JvmReadingsCollector;
import dev.supportpacket.agent.collect.jvm.RuntimeCollector;
import dev.supportpacket.agent.collect.jvm.SystemPropertiesCollector;
import dev.supportpacket.agent.collect.jvm.VmFlagsCollector;
import dev.supportpacket.agent.collect.logs.LogFilesCollector;
import dev.supportpacket.agent.collect.profile.CpuProfileCollector;
import dev.supportpacket.agent.collect.profile.JfrEventsCollector;
import dev.supportpacket.agent.collect.profile.PacketRecording;
import dev.supportpacket.agent.collect.threads.ThreadSnapshotsCollector;
import java.util.List;

/** Every collector of a packet, the long-running profile first so that the others overlap with it. */
public final class DefaultCollectors {
  private DefaultCollectors() {}

  public static List<Collector> all() {
    return all(LoadedClasses.NONE);
  }

  /** @param loaded the JVM's loaded classes (from the agent's instrumentation), for what no class path shows */
  public static List<Collector> all(LoadedClasses loaded) {
    // One JFR recording for both: a second one side by side would cost the application two more safepoints.
    PacketRecording recording = new PacketRecording();
    return List.of(
        new CpuProfileCollector(recording),
        new JfrEventsCollector(recording),
        new ThreadSnapshotsCollector(),
        new JvmReadingsCollector(),
        new HeapHistogramCollector(),
        new SystemPropertiesCollector(),
        new EnvironmentCollector(),
        new JvmArgumentsCollector(),
        new VmFlagsCollector(),
        new RuntimeCollector(),
        new ConfigFilesCollector(),
        new IncludedFilesCollector(),
        new LogFilesCollector(loaded),
        new HeapDumpCollector());
  }
}
