package dev.supportpacket.cli;

import dev.supportpacket.agent.options.PacketOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code demo}: starts a small sample JVM, takes its packet, stops it, prints the path. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Starts a small sample JVM (with a fake password among its settings), takes its packet, stops it",
        "and prints the path. The packet goes to the current directory unless --output says otherwise."})
final class DemoCommand implements Callable<Integer> {
  @Mixin PacketOptionsMixin packet;

  @Override
  public Integer call() throws CliFailure {
    if (packet.output == null) {
      packet.output = Paths.get("").toAbsolutePath();
    }
    PacketOptions.Builder options = packet.toBuilder();
    Path logDir;
    try {
      logDir = Files.createTempDirectory("support-packet-demo-");
    } catch (IOException e) {
      throw new CliFailure(ExitCode.AGENT_FAILED, "cannot create a directory for the demo's log: " + e);
    }
    Process demo = null;
    try {
      demo = start(logDir.resolve("demo.log"));
      PreparedTarget target = PreparedTarget.of(Long.toString(demo.pid()));
      return new PacketRequest(target, options, packet.hostFiles(), packet.timeout(), packet.progressView())
          .run()
          .print(System.out, System.err, packet.quiet);
    } finally {
      if (demo != null) {
        stop(demo);
      }
      deleteQuietly(logDir);
    }
  }

  private static void stop(Process demo) {
    demo.destroy();
    try {
      if (!demo.waitFor(5, TimeUnit.SECONDS)) {
        demo.destroyForcibly();
        demo.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      demo.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** The demo's log directory: its log and JUL's lock file. */
  private static void deleteQuietly(Path dir) {
    try (java.util.stream.Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Files.deleteIfExists(f);
      }
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      // a temporary directory; the OS cleans it up
    }
  }

  private static Process start(Path logFile) throws CliFailure {
    Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
    try {
      Path jar = Paths.get(DemoCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      Process p =
          new ProcessBuilder(java.toString(), "-XX:+IgnoreUnrecognizedVMOptions", "-XX:+EnableDynamicAgentLoading",
                  "-Ddemo.db.password=" + DemoApp.FAKE_PASSWORD, "-Ddemo.log=" + logFile, "-cp", jar.toString(),
                  DemoApp.class.getName())
              .redirectErrorStream(true)
              .start();
      BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      String first = CompletableFuture.supplyAsync(() -> readLine(out)).get(30, TimeUnit.SECONDS);
      if (!DemoApp.READY.equals(first)) {
        p.destroyForcibly();
        throw new CliFailure(ExitCode.AGENT_FAILED, "the demo JVM did not start: " + first);
      }
      return p;
    } catch (IOException | URISyntaxException | java.util.concurrent.ExecutionException
        | java.util.concurrent.TimeoutException e) {
      throw new CliFailure(ExitCode.AGENT_FAILED, "cannot start the demo JVM with " + java + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliFailure(ExitCode.AGENT_FAILED, "interrupted while starting the demo JVM");
    }
  }

  private static String readLine(BufferedReader r) {
    try {
      return r.readLine();
    } catch (IOException e) {
      return e.toString();
    }
  }
}
