package dev.supportpacket.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The usual command line read without picocli sets exactly what picocli sets, and leaves everything it is not sure of
 * to picocli, so that picocli's help and messages stay the only ones.
 */
class PlainCommandLineTest {
  @ParameterizedTest
  @ValueSource(strings = {
      "1234",
      "1234 -q",
      "1234 --quiet --output /tmp/out",
      "1234 -o /tmp/out -d 1",
      "1234 --output=/tmp/out --duration=30 --histogram live",
      "1234 --histogram=bogus",
      "1234 --log-tail 3 --log-budget 7 --timeout 0 --max-size 12",
      "1234 --rules /etc/r.yaml --site-key-file k",
      "1234 --include a --include=/b/c --include rel/d",
      "1234 --heap-dump",
      "1234 --heap-dump -q",
      "1234 --heap-dump all",
      "1234 --heap-dump=all",
      "1234 --heap-dump live --unsanitized-heap-dump-i-accept-the-risk",
      "1234 5678 -q",
      "1234 -q 5678",
  })
  void setsWhatPicocliSets(String line) {
    String[] args = line.split(" ");
    Optional<Main> plain = PlainCommandLine.read(args, null);
    assertTrue(plain.isPresent(), "read without picocli: " + line);
    Main picocli = new Main(null);
    new CommandLine(picocli).parseArgs(args);
    assertEquals(describe(picocli), describe(plain.get()), line);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "1234 --help",
      "1234 -h",
      "1234 --version",
      "1234 --all",
      "1234 --match java",
      "1234 --parallel 2",
      "1234 --heap-dump 5678",
      "1234 --duration",
      "1234 --duration abc",
      "1234 --duration -5",
      "1234 --duration=+5",
      "1234 --max-size 99999999999",
      "1234 -o",
      "1234 -o -q",
      "1234 -o a -o b",
      "1234 --output a --output=b",
      "1234 -qd 5",
      "1234 -o=/tmp",
      "1234 --quiet=true",
      "1234 --",
      "1234 list",
      "1234 --no-such-option",
      "1234 --output a\u0000b",
  })
  void leavesTheRestToPicocli(String line) {
    assertEquals(Optional.empty(), PlainCommandLine.read(line.split(" "), null), line);
  }

  /** An option added to the mixin without a case in {@link PacketOptionsMixin#set} would only be slower: said here. */
  @Test
  void knowsEveryPacketOptionAndHowItTakesItsValue() {
    Set<String> bundleOrHelp = Set.of("-h", "--help", "-V", "--version", "--all", "--match", "--parallel");
    int checked = 0;
    for (OptionSpec o : new CommandLine(new Main(null)).getCommandSpec().options()) {
      for (String name : o.names()) {
        if (bundleOrHelp.contains(name)) {
          continue;
        }
        PacketOptionsMixin.Value takes = PacketOptionsMixin.value(name);
        assertNotNull(takes, name);
        PacketOptionsMixin.Value expected = o.arity().max() == 0 ? PacketOptionsMixin.Value.NONE
            : o.arity().min() == 0 ? PacketOptionsMixin.Value.OPTIONAL : PacketOptionsMixin.Value.REQUIRED;
        assertEquals(expected, takes, name);
        checked++;
      }
    }
    assertTrue(checked >= 16, "options checked: " + checked);
  }

  private static List<Object> describe(Main m) {
    PacketOptionsMixin p = m.packet;
    return List.of(m.pids, String.valueOf(p.output), p.duration, p.histogram, p.logTail, p.logBudget,
        String.valueOf(p.timeout), String.valueOf(p.rules), String.valueOf(p.siteKeyFile), String.valueOf(p.heapDump),
        p.unsanitizedHeapDump, String.valueOf(p.maxSize), p.include, p.quiet);
  }
}
