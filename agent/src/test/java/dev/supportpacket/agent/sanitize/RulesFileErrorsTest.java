package dev.supportpacket.agent.sanitize;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/** A wrong file named as the rules file (e.g. /etc/shadow) is refused without its content in the message. */
class RulesFileErrorsTest {
  private static final String HASH = "$6$Zq9salt$Xk3hashPLANTEDhashvalue";

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {
      "root:" + HASH + ":19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n",
      "root: " + HASH + "\n",
      "patterns:\n  - name: x\n    regex: y\n    " + HASH + ": 1\n",
      "\"root:" + HASH + "\n",
      "root:\t" + HASH + "\n  - [\n",
      "{root: [" + HASH + "\n"})
  void theFilesContentIsNotInTheMessage(String content) throws Exception {
    Path file = Files.writeString(dir.resolve("rules.yaml"), content);
    InvalidSettingsException e = assertThrows(InvalidSettingsException.class,
        () -> SanitizerSettings.load(Optional.of(file), Optional.empty()));
    String all = e.getMessage() + (e.getCause() == null ? "" : e.getCause().getMessage());
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    assertFalse(all.contains("PLANTED") || all.contains("Zq9salt") || all.contains("root"), all);
  }
}
