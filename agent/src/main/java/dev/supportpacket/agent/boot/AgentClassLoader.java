package dev.supportpacket.agent.boot;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.lang.ref.WeakReference;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.net.URLStreamHandler;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.security.cert.Certificate;
import java.util.Collections;
import java.util.Enumeration;

/**
 * Loads the packet code and its libraries (Jackson, SnakeYAML, Commons Compress) from the jar nested in the agent
 * jar, when the first trigger fires. The jar the JVM opens at startup then holds only the few classes premain needs:
 * opening a jar of thousands of entries alone added some 10 ms to the application's start (bench/startup-cost.sh).
 *
 * <p>The parent is the platform class loader: the packet code sees the JDK and itself, never the application's classes
 * (an application with its own, older Jackson keeps it, and so do we), and the application does not see ours. One
 * instance lives at a time, so that every trigger reaches the same packet service; an attach's instance is dropped
 * when nothing of it runs or stays registered (see {@link #lastAttach}).
 */
public final class AgentClassLoader extends ClassLoader {
  /** Where the packet code lies in the agent jar, stored uncompressed (see the agent pom's assembly). */
  static final String NESTED_JAR = "dev/supportpacket/agent/boot/agent-impl.jar";
  /** The packet code's side of the {@link AgentBridge}. */
  private static final String CORE_CLASS = "dev.supportpacket.agent.AgentCore";

  /**
   * The loader kept for the JVM's life once a trigger that stays (startup agent, signal, JMX) has used it: every
   * trigger must reach the same packet service so that they exclude each other.
   */
  private static AgentClassLoader shared;
  /**
   * The loader of the last attach, not kept: what holds it is its own running threads. A later trigger reuses it while
   * it lives, so that every trigger reaches the same packet service (one packet at a time); once nothing holds it, the
   * JVM unloads the packet code and frees its heap (measured: some 4 MB with its statics and the JDK's caches of it),
   * which a nearly full heap needs back.
   */
  private static WeakReference<AgentClassLoader> lastAttach = new WeakReference<>(null);
  private AgentBridge bridge;
  /**
   * What the JVM gave premain or agentmain, kept as byte-buddy-agent's Installer keeps it: the packet code lists the
   * loaded classes with it (a web application's class loader is found no other way). Null until the agent is loaded.
   */
  private static volatile Instrumentation instrumentation;

  static {
    registerAsParallelCapable();
  }

  private final NestedJar jar;
  private final ProtectionDomain domain;
  private final URLStreamHandler resources = new URLStreamHandler() {
    @Override
    protected URLConnection openConnection(URL url) {
      return new URLConnection(url) {
        @Override
        public void connect() {}

        @Override
        public InputStream getInputStream() throws IOException {
          byte[] content = jar.read(url.getFile().substring(1));
          if (content == null) {
            throw new IOException("no " + url);
          }
          return new ByteArrayInputStream(content);
        }
      };
    }
  };

  private AgentClassLoader(NestedJar jar, URL agentJar) {
    super("support-packet", ClassLoader.getPlatformClassLoader());
    this.jar = jar;
    this.domain = new ProtectionDomain(new CodeSource(agentJar, (Certificate[]) null), null, this, null);
  }

  /**
   * The packet code's side of the bridge, loading the packet code first if this is the first call in this JVM.
   *
   * @throws Exception why the packet code cannot be loaded
   */
  public static AgentBridge bridge() throws Exception {
    return shared().bridgeOf();
  }

  /**
   * Like {@link #bridge}, for an attach: the packet code is loaded by a loader that no static field keeps (see
   * {@link #lastAttach}), unless a loader lives already.
   */
  public static AgentBridge bridgeForAttach() throws Exception {
    AgentClassLoader loader;
    synchronized (AgentClassLoader.class) {
      loader = shared != null ? shared : lastAttach.get();
      if (loader == null) {
        loader = create();
        lastAttach = new WeakReference<>(loader);
      }
    }
    return loader.bridgeOf();
  }

  /** Keeps the JVM's instrumentation for the packet code; the first one given stays (a later load gives the same). */
  public static void instrumentation(Instrumentation inst) {
    if (instrumentation == null) {
      instrumentation = inst;
    }
  }

  private synchronized AgentBridge bridgeOf() throws Exception {
    if (bridge == null) {
      // A JDK type crosses, as the bridge's own parameters do.
      bridge = loadClass(CORE_CLASS).asSubclass(AgentBridge.class).getConstructor(Instrumentation.class)
          .newInstance(instrumentation);
    }
    return bridge;
  }

  /** The bridge's interface comes from our parent's side (the class the caller knows), never from the nested jar. */
  @Override
  protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
    if (name.equals(AgentBridge.class.getName())) {
      return AgentBridge.class;
    }
    return super.loadClass(name, resolve);
  }

  private static synchronized AgentClassLoader shared() throws IOException {
    if (shared == null) {
      AgentClassLoader attached = lastAttach.get();
      shared = attached != null ? attached : create();
    }
    return shared;
  }

  private static AgentClassLoader create() throws IOException {
    URL agentJar = agentJar();
    Path path;
    try {
      path = Paths.get(agentJar.toURI());
    } catch (java.net.URISyntaxException | RuntimeException e) {
      throw new IOException("the agent jar's location " + agentJar + " is not a file", e);
    }
    return new AgentClassLoader(NestedJar.open(path, NESTED_JAR), agentJar);
  }

  /**
   * The agent jar the JVM appended to the class path, found by its nested jar rather than by this class's own code
   * source: the application's class path may hold copies of the boot classes too (attach.jar's demo does).
   */
  private static URL agentJar() throws IOException {
    URL nested = AgentClassLoader.class.getClassLoader().getResource(NESTED_JAR);
    if (nested == null) {
      throw new IOException("no " + NESTED_JAR + " on the class path");
    }
    URLConnection c = nested.openConnection(); // only parses the URL: nothing is opened before connect()
    if (!(c instanceof JarURLConnection)) {
      throw new IOException(nested + " is not inside a jar");
    }
    return ((JarURLConnection) c).getJarFileURL();
  }

  @Override
  protected Class<?> findClass(String name) throws ClassNotFoundException {
    byte[] bytes;
    try {
      bytes = jar.read(name.replace('.', '/') + ".class");
    } catch (IOException e) {
      throw new ClassNotFoundException(name, e);
    }
    if (bytes == null) {
      throw new ClassNotFoundException(name);
    }
    return defineClass(name, bytes, 0, bytes.length, domain);
  }

  @Override
  protected URL findResource(String name) {
    if (!jar.contains(name)) {
      return null;
    }
    try {
      return new URL("support-packet", null, -1, "/" + name, resources);
    } catch (java.net.MalformedURLException e) {
      return null;
    }
  }

  @Override
  protected Enumeration<URL> findResources(String name) {
    URL url = findResource(name);
    return url == null ? Collections.emptyEnumeration() : Collections.enumeration(Collections.singletonList(url));
  }
}
