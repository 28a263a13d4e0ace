package dev.supportpacket.agent.collect;

import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * The classes the JVM has loaded, as the agent's {@link Instrumentation} lists them: the one way to find a class
 * loader that no thread and no class path names, such as a web application's, which holds its own Log4j2. Listing
 * loads, links and initialises nothing. {@link #NONE} (no instrumentation: a test, an in-process demo) finds nothing.
 */
public final class LoadedClasses {
  public static final LoadedClasses NONE = new LoadedClasses(null);

  private final Instrumentation inst;

  private LoadedClasses(Instrumentation inst) {
    this.inst = inst;
  }

  /** @param inst the agent's instrumentation; null for {@link #NONE} */
  public static LoadedClasses of(Instrumentation inst) {
    return inst == null ? NONE : new LoadedClasses(inst);
  }

  /**
   * Every class loader that has defined a class of one of these names, each once, in the order the JVM lists them;
   * the bootstrap loader (null) is left out.
   */
  public List<ClassLoader> loadersOf(Set<String> classNames) {
    List<ClassLoader> out = new ArrayList<>();
    if (inst == null) {
      return out;
    }
    Set<ClassLoader> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    Class<?>[] all;
    try {
      all = inst.getAllLoadedClasses();
    } catch (RuntimeException | OutOfMemoryError e) {
      // A JVM short of memory cannot list its classes: the loaders every thread names are still looked at.
      return out;
    }
    for (Class<?> c : all) {
      ClassLoader cl = c.getClassLoader();
      if (cl != null && classNames.contains(c.getName()) && seen.add(cl)) {
        out.add(cl);
      }
    }
    return out;
  }
}
