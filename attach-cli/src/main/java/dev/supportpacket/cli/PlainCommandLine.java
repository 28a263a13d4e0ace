package dev.supportpacket.cli;

import java.util.Optional;

/**
 * The usual command line, {@code <pid> [<pid>...] [options]}, read without picocli. Building picocli's model of the
 * options (its classes loaded and verified, the annotations read through reflection proxies) took 300-400 ms of a
 * cold JVM, on the clock of every packet before its profile starts, where jcmd is already recording.
 *
 * <p>It reads only what it is sure of: pids, and {@link PacketOptionsMixin}'s options written {@code --name value},
 * {@code --name=value} or {@code -o value}, each set as picocli would set it ({@link PacketOptionsMixin#set}).
 * Anything else (help, version, a bundle's options, a mistake, an unusual form) leaves the whole command line to
 * picocli, which stays the one definition of the options, their help and their error messages.
 */
final class PlainCommandLine {
  private PlainCommandLine() {}

  /** The command {@code args} ask for; empty when picocli is to read them. */
  static Optional<Main> read(String[] args, PreparedTarget.Pending early) {
    Main main = new Main(early);
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (Main.isPid(arg)) {
        main.pids.add(arg);
        continue;
      }
      int eq = arg.indexOf('=');
      String name = arg.startsWith("--") && eq > 0 ? arg.substring(0, eq) : arg;
      String value = name.equals(arg) ? null : arg.substring(eq + 1);
      PacketOptionsMixin.Value takes = PacketOptionsMixin.value(name);
      if (takes == null || takes == PacketOptionsMixin.Value.NONE && value != null) {
        return Optional.empty();
      }
      if (value == null && takes != PacketOptionsMixin.Value.NONE) {
        String next = i + 1 < args.length ? args[i + 1] : null;
        if (takes == PacketOptionsMixin.Value.OPTIONAL && (next == null || next.startsWith("-"))) {
          value = "live"; // the annotation's fallbackValue
        } else if (takes == PacketOptionsMixin.Value.OPTIONAL && !next.equals("live") && !next.equals("all")) {
          return Optional.empty(); // a pid after --heap-dump: picocli takes it as the value and says so
        } else if (next == null || next.startsWith("-")) {
          return Optional.empty();
        } else {
          value = next;
          i++;
        }
      }
      if (!main.packet.set(name, value)) {
        return Optional.empty();
      }
    }
    return main.pids.isEmpty() ? Optional.empty() : Optional.of(main);
  }
}
