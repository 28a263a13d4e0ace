package dev.supportpacket.agent.report;

import java.util.LinkedHashMap;
import java.util.Map;

/** metadata.yaml: what this packet is and where it came from, for humans and for tools that sort packets. */
public final class Metadata {
  public static final int SCHEMA_VERSION = 1;
  public static final String TYPE = "jvm-support-packet";
  /** {@code collected_by}: the agent, inside the JVM (every packet but one kind). */
  public static final String COLLECTED_BY_AGENT = "agent";
  /** {@code collected_by}: the attach CLI, from outside a JVM whose heap was too full for the agent. */
  public static final String COLLECTED_BY_CLI = "cli";

  private Metadata() {}

  /**
   * @param generatedAt epoch milliseconds when collection started
   * @param trigger attach, signal or jmx
   */
  public static Map<String, Object> tree(
      AppIdentity app, long generatedAt, String trigger, int sanitizerVersion, boolean siteKey) {
    return tree(app, generatedAt, trigger, sanitizerVersion, siteKey, false);
  }

  /** @param unsanitizedMemory true when the packet holds a heap dump stored unscrubbed on request */
  public static Map<String, Object> tree(AppIdentity app, long generatedAt, String trigger, int sanitizerVersion,
      boolean siteKey, boolean unsanitizedMemory) {
    Map<String, Object> jvm = new LinkedHashMap<>();
    jvm.put("vendor", System.getProperty("java.vm.vendor"));
    jvm.put("version", System.getProperty("java.version"));
    jvm.put("runtime_version", System.getProperty("java.runtime.version"));
    jvm.put("vm", System.getProperty("java.vm.name"));
    // Only what the process can see of itself: container and pod ids, the pod's name, the cgroup's limits.
    return tree(app, generatedAt, trigger, COLLECTED_BY_AGENT, jvm, ContainerIdentity.self().toMap(), sanitizerVersion,
        siteKey, unsanitizedMemory);
  }

  /**
   * metadata.yaml of a packet the attach CLI wrote from outside the JVM, when the JVM's heap was too full for the
   * agent: the JVM is described by what it said of itself over its attach socket ({@code VM.version}), not by this
   * process's properties; the container as the CLI saw it from outside.
   */
  public static Map<String, Object> collectedOutside(AppIdentity app, long generatedAt, String jvmVersion,
      Map<String, Object> container, int sanitizerVersion, boolean siteKey) {
    Map<String, Object> jvm = new LinkedHashMap<>();
    jvm.put("version_text", jvmVersion);
    return tree(app, generatedAt, "attach", COLLECTED_BY_CLI, jvm, container, sanitizerVersion, siteKey, false);
  }

  private static Map<String, Object> tree(AppIdentity app, long generatedAt, String trigger, String collectedBy,
      Map<String, Object> jvm, Map<String, Object> container, int sanitizerVersion, boolean siteKey,
      boolean unsanitizedMemory) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("version", SCHEMA_VERSION);
    m.put("type", TYPE);
    m.put("generated_at", generatedAt);
    Map<String, Object> generator = new LinkedHashMap<>();
    generator.put("name", "support-packet");
    generator.put("version", AppIdentity.generatorVersion());
    m.put("generator", generator);
    m.put("jvm", jvm);
    m.put("host", app.host());
    m.put("pid", app.pid());
    m.put("app", app.name());
    m.put("trigger", trigger);
    m.put("collected_by", collectedBy);
    if (!container.isEmpty()) {
      m.put("container", container);
    }
    Map<String, Object> sanitizer = new LinkedHashMap<>();
    sanitizer.put("version", sanitizerVersion);
    sanitizer.put("site_key", siteKey);
    m.put("sanitizer", sanitizer);
    m.put("unsanitized_memory", unsanitizedMemory);
    return m;
  }
}
