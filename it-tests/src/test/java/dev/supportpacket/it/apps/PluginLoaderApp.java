package dev.supportpacket.it.apps;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Paths;

/**
 * Target whose plugin thread has the directory {@code -Dit.pluginDir} on its context class loader, as an application
 * server's plugin loader has: the agent looks for config files there too. Prints {@code ready}.
 */
public final class PluginLoaderApp {
  private PluginLoaderApp() {}

  public static void main(String[] args) throws Exception {
    URL dir = Paths.get(System.getProperty("it.pluginDir")).toUri().toURL();
    Thread plugin = new Thread(CpuBurnerApp::sleepForever, "it-plugin");
    plugin.setContextClassLoader(new URLClassLoader(new URL[] {dir}, PluginLoaderApp.class.getClassLoader()));
    plugin.setDaemon(true);
    plugin.start();
    Ready.announce();
  }
}
