package dev.supportpacket.agent.collect.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.supportpacket.agent.packet.MemorySink;
import dev.supportpacket.agent.packet.Packet;
import dev.supportpacket.agent.sanitize.Sanitizer;
import org.junit.jupiter.api.Test;

class KeyedConfigWriterTest {
  private static final String TOKEN = "\\[REDACTED:[0-9a-f]{8}]";

  @Test
  void yamlValueIsRedactedByItsFullKeyEvenWhenShortAndUnrecognisable() throws Exception {
    String out = write("application.yml", String.join("\n",
        "spring:",
        "  datasource:",
        "    username: app",
        "    password: ab1 # short",
        "my:",
        "  custom:",
        "    credentials: 'q7'",
        "  salt: pepper",
        "  url: https://example.org",
        ""));
    assertTrue(out.contains("    username: app\n"), out);
    assertTrue(out.matches("(?s).*\n    password: \"" + TOKEN + "\"\n.*"), out);
    assertTrue(out.matches("(?s).*\n    credentials: \"" + TOKEN + "\"\n.*"), out);
    assertTrue(out.matches("(?s).*\n  salt: \"" + TOKEN + "\"\n.*"), out);
    assertTrue(out.contains("  url: https://example.org\n"), out);
    assertFalse(out.contains("ab1") || out.contains("pepper") || out.contains("q7"), out);
  }

  @Test
  void yamlBlockScalarsAndListsUnderSecretKeysAreRedactedWhole() throws Exception {
    String out = write("app.yaml", String.join("\n",
        "tls:",
        "  private-key: |",
        "    line-one-of-key",
        "    line-two-of-key",
        "  enabled: true",
        "api:",
        "  tokens:",
        "    - tok1",
        "    - tok2",
        "  name: orders",
        ""));
    assertFalse(out.contains("line-one-of-key") || out.contains("tok1") || out.contains("tok2"), out);
    assertTrue(out.contains("  enabled: true\n") && out.contains("  name: orders\n"), out);
    assertTrue(out.matches("(?s).*\n    - \"" + TOKEN + "\"\n    - \"" + TOKEN + "\"\n.*"), out);
  }

  @Test
  void propertiesValueIsRedactedByKeyIncludingContinuationLines() throws Exception {
    String out = write("application.properties", String.join("\n",
        "# comment password=notasecret",
        "db.user=app",
        "my.custom.credentials = q7",
        "app.auth-key: one\\",
        "   two",
        "server.port=8080",
        ""));
    assertTrue(out.contains("db.user=app\n") && out.contains("server.port=8080\n"), out);
    assertTrue(out.matches("(?s).*\nmy.custom.credentials = " + TOKEN + "\n.*"), out);
    assertFalse(out.contains("q7"), out);
    assertTrue(out.matches("(?s).*\napp.auth-key: " + TOKEN + "\nserver.*"), out);
    assertFalse(out.contains("two"), out);
  }

  @Test
  void onlyTheValueChangesOnAPropertiesOrYamlLine() throws Exception {
    String props = write("application.properties", "db.password=hunter2\r\nmy.secret:\tq7\nlast.token = t9");
    assertTrue(props.matches("db\\.password=" + TOKEN + "\r\nmy\\.secret:\t" + TOKEN + "\nlast\\.token = " + TOKEN),
        props);
    String yaml = write("application.yml", "db:\n  password:   hunter2\r\n  user: app\n");
    assertTrue(yaml.matches("db:\n  password:   \"" + TOKEN + "\"\r\n  user: app\n"), yaml);
  }

  @Test
  void xmlAndJsonSecretsAreRedactedByElementAttributeOrKey() throws Exception {
    String xml = write("context.xml", "<r><password>pw1</password><user>app</user>"
        + "<Resource name=\"db\" password=\"pw2\"/><property name=\"client.secret\" value=\"pw3\"/></r>\n");
    assertFalse(xml.contains("pw1") || xml.contains("pw2") || xml.contains("pw3"), xml);
    assertTrue(xml.contains("<user>app</user>") && xml.contains("name=\"db\""), xml);
    String json = write("settings.json", "{\"apiKey\": \"k1\", \"name\": \"orders\"}\n");
    assertFalse(json.contains("\"k1\""), json);
    assertTrue(json.contains("\"name\": \"orders\""), json);
  }

  @Test
  void learnedSecretsFromAConfigAreScrubbedFromOtherText() throws Exception {
    Sanitizer s = Sanitizer.withRandomKey();
    for (var kv : ConfigKeyValues.parse("yml", "spring:\n  datasource:\n    password: Sup3rSecretValue\n")) {
      s.learn(kv.getKey(), kv.getValue());
    }
    MemorySink sink = new MemorySink();
    new Packet(s, sink).addText("logs/app.log", w -> w.write("connecting with secret Sup3rSecretValue\n"));
    assertEquals("connecting with secret " + s.token("Sup3rSecretValue") + "\n", sink.text("logs/app.log"));
  }

  private static String write(String name, String text) throws Exception {
    MemorySink sink = new MemorySink();
    String ext = name.substring(name.lastIndexOf('.') + 1);
    new Packet(Sanitizer.withRandomKey(), sink).addKeyedText("config/" + name,
        (out, redactor) -> new KeyedConfigWriter(redactor).write(ext, text, out));
    return sink.text("config/" + name);
  }
}
