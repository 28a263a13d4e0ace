package dev.supportpacket.it.apps.shop;

import dev.supportpacket.it.apps.Ready;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.util.ArrayList;
import java.util.List;

/**
 * Reloads a plugin by defining its class again in a fresh class loader, and keeps every old loader in a registry:
 * Metaspace fills up with copies of the same class (run with a small -XX:MaxMetaspaceSize).
 */
public final class PluginHost {
  private static final List<Class<?>> REGISTRY = new ArrayList<>();

  private PluginHost() {}

  public static void main(String[] args) throws Exception {
    byte[] plugin;
    try (var in = PluginHost.class.getResourceAsStream("PluginHost$Plugin.class")) {
      plugin = in.readAllBytes();
    }
    MemoryPoolMXBean meta = ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(p -> p.getName().equals("Metaspace")).findFirst().orElseThrow();
    long max = meta.getUsage().getMax();
    // Leave 14 MB: the packet agent's own classes (about 8 MB) then take it past 80 % without an OutOfMemoryError.
    while (meta.getUsage().getUsed() < max - (14L << 20)) {
      REGISTRY.add(new PluginLoader().define(plugin));
    }
    Ready.announce();
  }

  /** A loader per reload. */
  static final class PluginLoader extends ClassLoader {
    PluginLoader() {
      super(PluginHost.class.getClassLoader());
    }

    Class<?> define(byte[] b) {
      return defineClass(null, b, 0, b.length);
    }
  }

  /** The plugin: a class with some methods, so that each copy costs some metaspace. */
  public static final class Plugin {
    public int a(int x) {
      return x + 1;
    }

    public String b(String s) {
      return s + a(s.length());
    }

    public long c(long[] v) {
      long sum = 0;
      for (long l : v) {
        sum += l;
      }
      return sum;
    }
  }
}
