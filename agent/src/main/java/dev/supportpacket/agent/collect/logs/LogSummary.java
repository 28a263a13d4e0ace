package dev.supportpacket.agent.collect.logs;

import java.io.IOException;
import dev.supportpacket.agent.packet.Packet;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ERROR and WARN counts per minute and per logger, the top exception types and message templates, and the last
 * error with its stack, read from the log lines on their way into the packet. Knows the common layouts: Spring Boot
 * 2 and 3, logback's and Log4j2's default patterns, JUL's two-line SimpleFormatter, and most "date level logger -
 * message" variants. It reads the lines after the sanitizer (see {@link Packet#addText(String, Packet.TextContent,
 * Writer)}), so that a template is made of redacted text: templating first would cut a learned secret into pieces the
 * sanitizer no longer recognises. The packet's JSON writer then scrubs every string once more, as for any entry.
 *
 * <p>Bounded: at most {@link #MAX_KEYS} distinct templates, loggers and exception types (later ones are counted
 * under {@code "(other)"}), {@link #MINUTES} minutes, {@link #MAX_STACK} lines of the last error's stack, and only
 * the first {@link #MAX_LINE} characters of a line are looked at.
 */
final class LogSummary {
  static final int MAX_KEYS = 5_000;
  static final int MINUTES = 180;
  static final int MAX_STACK = 60;
  static final int MAX_LINE = 2_000;
  static final int TOP = 20;
  private static final String OTHER = "(other)";

  /** JUL SimpleFormatter's first line: "Nov 30, 2026 6:13:00 AM com.example.Foo method". */
  private static final Pattern JUL_HEAD =
      Pattern.compile("^[A-Z][a-z]{2} \\d{1,2}, \\d{4} \\d{1,2}:\\d{2}:\\d{2} [AP]M (\\S+)");
  private static final Pattern JUL_LEVEL = Pattern.compile("^(SEVERE|WARNING|INFO|CONFIG|FINE|FINER|FINEST): (.*)");
  private static final Pattern LEVEL =
      Pattern.compile("(?<![\\w.])(ERROR|FATAL|SEVERE|WARN|WARNING|INFO|DEBUG|TRACE)(?![\\w.])");
  private static final Pattern LOGGER = Pattern.compile("(?<![\\w.$\\[])([a-zA-Z_$][\\w$]*(?:\\.[\\w$]+)+)(?![\\w.$\\]])");
  private static final Pattern EXCEPTION =
      Pattern.compile("^(?:Caused by: |Exception in thread \"[^\"]*\" )?((?:[a-zA-Z_$][\\w$]*\\.)+[\\w$]*"
          + "(?:Exception|Error|Throwable))(?::|$)");
  private static final Pattern MESSAGE_START = Pattern.compile("^\\s*[-:|]\\s?");
  private static final Pattern FRAME = Pattern.compile("^\\s+(?:at |\\.\\.\\. \\d+ (?:more|common))");
  private static final Pattern[] PLACEHOLDERS = {
    Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"),
    Pattern.compile("0x[0-9a-fA-F]+"),
    Pattern.compile("\\b(?=[0-9a-fA-F]*\\d)(?=[0-9a-fA-F]*[a-fA-F])[0-9a-fA-F]{8,}\\b"),
    Pattern.compile("\\d+(?:\\.\\d+)*"),
  };
  private static final String[] PLACEHOLDER_NAMES = {"<uuid>", "<hex>", "<hex>", "<n>"};

  private final Map<String, int[]> perMinute = new TreeMap<>();
  private final Map<String, int[]> byLogger = new HashMap<>();
  private final Map<String, Object[]> exceptions = new HashMap<>();
  private final Map<String, int[]> templates = new HashMap<>();
  private final List<Object> files = new ArrayList<>();
  private Map<String, Object> lastError;
  private List<String> lastErrorStack;

  /**
   * A writer that passes everything on to {@code out} and reads each line into this summary as entry {@code entry};
   * {@code fileDate} (yyyy-MM-dd) dates the lines of layouts that print only the time. Call {@link Tap#finish} after
   * the last line.
   */
  Tap observe(String entry, String fileDate, Writer out) {
    return new Tap(new FileState(entry, fileDate), out);
  }

  /** The summary in the contract shape of {@code logs/summary.json}. */
  Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("version", 1);
    m.put("files", files);
    List<Object> minutes = new ArrayList<>();
    List<Map.Entry<String, int[]>> all = new ArrayList<>(perMinute.entrySet());
    for (Map.Entry<String, int[]> e : all.subList(Math.max(0, all.size() - MINUTES), all.size())) {
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("minute", e.getKey());
      x.put("error", e.getValue()[0]);
      x.put("warn", e.getValue()[1]);
      minutes.add(x);
    }
    m.put("per_minute", minutes);
    List<Object> loggers = new ArrayList<>();
    for (Map.Entry<String, int[]> e : top(byLogger, v -> v[0] * 1_000_000L + v[1])) {
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("logger", e.getKey());
      x.put("error", e.getValue()[0]);
      x.put("warn", e.getValue()[1]);
      loggers.add(x);
    }
    m.put("by_logger", loggers);
    List<Object> types = new ArrayList<>();
    for (Map.Entry<String, Object[]> e : top(exceptions, v -> (Integer) v[0])) {
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("type", e.getKey());
      x.put("count", e.getValue()[0]);
      x.put("example", e.getValue()[1]);
      types.add(x);
    }
    m.put("exceptions", types);
    List<Object> tpl = new ArrayList<>();
    for (Map.Entry<String, int[]> e : top(templates, v -> v[0])) {
      int cut = e.getKey().indexOf(' ');
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("template", e.getKey().substring(cut + 1));
      x.put("level", e.getKey().substring(0, cut));
      x.put("count", e.getValue()[0]);
      tpl.add(x);
    }
    m.put("templates", tpl);
    if (lastError != null) {
      Map<String, Object> last = new LinkedHashMap<>(lastError);
      last.put("stack", lastErrorStack);
      m.put("last_error", last);
    } else {
      m.put("last_error", null);
    }
    return m;
  }

  private static <V> List<Map.Entry<String, V>> top(Map<String, V> map, java.util.function.ToLongFunction<V> rank) {
    List<Map.Entry<String, V>> list = new ArrayList<>(map.entrySet());
    list.sort(Comparator.comparingLong((Map.Entry<String, V> e) -> rank.applyAsLong(e.getValue())).reversed()
        .thenComparing(Map.Entry::getKey));
    return list.subList(0, Math.min(TOP, list.size()));
  }

  /** The counts of one file, and what its previous lines started. */
  private final class FileState {
    final String entry;
    final String fileDate;
    int lines;
    int errors;
    int warns;
    /** Level of the record the following lines belong to (stack traces, continuation); null outside a record. */
    String recordLevel;
    String julLogger;
    String julMinute;
    boolean inLastError;

    FileState(String entry, String fileDate) {
      this.entry = entry;
      this.fileDate = fileDate;
    }

    void line(String raw) {
      lines++;
      String line = raw.length() > MAX_LINE ? raw.substring(0, MAX_LINE) : raw;
      char first = line.isEmpty() ? ' ' : line.charAt(0);
      // Cheap tests before any regex: most lines are INFO/DEBUG records or stack frames.
      boolean mayStartRecord = (first >= '0' && first <= '9') || first == '[' || (first >= 'A' && first <= 'Z');
      if (julMinute != null && first >= 'A' && first <= 'Z') {
        Matcher jul = JUL_LEVEL.matcher(line);
        if (jul.lookingAt()) {
          record(jul.group(1), julMinute, julLogger, jul.group(2), line);
          julMinute = null;
          return;
        }
      }
      julMinute = null;
      String minute = mayStartRecord ? minute(line) : null;
      if (minute == null) {
        continuation(line, first);
        return;
      }
      if (first >= 'A' && first <= 'Z') {
        Matcher head = JUL_HEAD.matcher(line);
        if (head.lookingAt()) {
          julMinute = minute;
          julLogger = head.group(1);
          recordLevel = null;
          inLastError = false;
          return;
        }
      }
      String head = line.length() > 160 ? line.substring(0, 160) : line;
      if (head.indexOf("ERROR") < 0 && head.indexOf("WARN") < 0 && head.indexOf("FATAL") < 0
          && head.indexOf("SEVERE") < 0) {
        // A record of a level we do not count: it ends the previous record's stack trace.
        recordLevel = null;
        inLastError = false;
        return;
      }
      Matcher level = LEVEL.matcher(head);
      if (!level.find()) {
        continuation(line, first);
        return;
      }
      String rest = line.substring(level.end());
      int sep = separator(rest);
      String header = sep < 0 ? rest : rest.substring(0, sep);
      String message = sep < 0 ? rest.trim() : MESSAGE_START.matcher(rest.substring(sep)).replaceFirst("");
      Matcher logger = LOGGER.matcher(header);
      String name = logger.find() ? logger.group(1) : loggerBefore(line.substring(0, level.start()));
      record(level.group(1), minute, name, message, line);
    }

    /** Where the message starts after the level: " - " (logback, Log4j2) or " : " (Spring Boot). */
    private int separator(String rest) {
      int dash = rest.indexOf(" - ");
      int colon = rest.indexOf(" : ");
      if (dash < 0) {
        return colon;
      }
      return colon < 0 ? dash : Math.min(dash, colon);
    }

    /** A logger written before the level ("… [main] com.foo.Bar ERROR …" layouts). */
    private String loggerBefore(String head) {
      Matcher m = LOGGER.matcher(head);
      String found = null;
      while (m.find()) {
        found = m.group(1);
      }
      return found;
    }

    private String minute(String line) {
      int at = line.startsWith("[") ? 1 : 0;
      if (digits(line, at, "dddd-dd-dd") && line.length() > at + 16
          && (line.charAt(at + 10) == 'T' || line.charAt(at + 10) == ' ') && digits(line, at + 11, "dd:dd:dd")) {
        return line.substring(at, at + 10) + "T" + line.substring(at + 11, at + 16);
      }
      if (digits(line, at, "dd:dd:dd") && line.length() > at + 12
          && (line.charAt(at + 8) == '.' || line.charAt(at + 8) == ',') && digits(line, at + 9, "ddd")) {
        return fileDate + "T" + line.substring(at, at + 5);
      }
      if (line.length() > 20 && line.charAt(3) == ' ' && Character.isUpperCase(line.charAt(0))) {
        return julMinute(line);
      }
      return null;
    }

    private void record(String level, String minute, String logger, String message, String line) {
      String kind = kind(level);
      recordLevel = kind;
      inLastError = false;
      if (kind == null) {
        return;
      }
      boolean error = kind.equals("ERROR");
      int i = error ? 0 : 1;
      if (error) {
        errors++;
      } else {
        warns++;
      }
      perMinute.computeIfAbsent(minute, k -> new int[2])[i]++;
      String loggerKey = logger == null ? "(unknown)" : logger;
      bounded(byLogger, loggerKey, () -> new int[2])[i]++;
      bounded(templates, kind + " " + template(message), () -> new int[1])[0]++;
      if (error) {
        lastError = new LinkedHashMap<>();
        lastError.put("entry", entry);
        lastError.put("line", lines);
        lastError.put("text", line);
        lastErrorStack = new ArrayList<>();
        inLastError = true;
      }
    }

    private void continuation(String line, char first) {
      boolean exception = Character.isLetter(first) && (line.contains("Exception") || line.contains("Error")
          || line.contains("Throwable"));
      Matcher ex = exception ? EXCEPTION.matcher(line) : null;
      exception = exception && ex.lookingAt();
      if (exception) {
        Object[] v = bounded(exceptions, ex.group(1), () -> new Object[] {0, line});
        v[0] = (Integer) v[0] + 1;
      }
      if (inLastError && lastErrorStack.size() < MAX_STACK && (exception || FRAME.matcher(line).lookingAt())) {
        lastErrorStack.add(line.trim());
      }
    }

    void end() {
      Map<String, Object> f = new LinkedHashMap<>();
      f.put("entry", entry);
      f.put("lines", lines);
      f.put("error", errors);
      f.put("warn", warns);
      files.add(f);
    }
  }

  /** True when {@code s} at {@code from} matches {@code shape}, where 'd' is a digit and anything else itself. */
  private static boolean digits(String s, int from, String shape) {
    if (s.length() < from + shape.length()) {
      return false;
    }
    for (int i = 0; i < shape.length(); i++) {
      char c = s.charAt(from + i);
      char want = shape.charAt(i);
      if (want == 'd' ? c < '0' || c > '9' : c != want) {
        return false;
      }
    }
    return true;
  }

  private static String kind(String level) {
    switch (level) {
      case "ERROR":
      case "FATAL":
      case "SEVERE":
        return "ERROR";
      case "WARN":
      case "WARNING":
        return "WARN";
      default:
        return null;
    }
  }

  /** The message with numbers, ids and hex replaced by placeholders, so that one kind of message counts once. */
  static String template(String message) {
    String s = message.length() > 300 ? message.substring(0, 300) : message;
    for (int i = 0; i < PLACEHOLDERS.length; i++) {
      s = PLACEHOLDERS[i].matcher(s).replaceAll(PLACEHOLDER_NAMES[i]);
    }
    return s.trim();
  }

  private static <V> V bounded(Map<String, V> map, String key, java.util.function.Supplier<V> create) {
    V v = map.get(key);
    if (v != null) {
      return v;
    }
    if (map.size() >= MAX_KEYS) {
      return map.computeIfAbsent(OTHER, k -> create.get());
    }
    v = create.get();
    map.put(key, v);
    return v;
  }

  private static final String[] MONTHS =
      {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  private static final Pattern JUL_TIME =
      Pattern.compile("^([A-Z][a-z]{2}) (\\d{1,2}), (\\d{4}) (\\d{1,2}):(\\d{2}):\\d{2} ([AP])M");

  private static String julMinute(String line) {
    Matcher m = JUL_TIME.matcher(line);
    if (!m.lookingAt()) {
      return null;
    }
    int month = java.util.Arrays.asList(MONTHS).indexOf(m.group(1)) + 1;
    int hour = Integer.parseInt(m.group(4)) % 12 + (m.group(6).equals("P") ? 12 : 0);
    return String.format(java.util.Locale.ROOT, "%s-%02d-%02dT%02d:%s", m.group(3), month,
        Integer.parseInt(m.group(2)), hour, m.group(5));
  }

  /** Splits what is written into lines for {@link FileState}; everything passes on to the packet unchanged. */
  static final class Tap extends Writer {
    private final FileState state;
    private final Writer out;
    private final StringBuilder line = new StringBuilder();
    private boolean finished;

    private Tap(FileState state, Writer out) {
      this.state = state;
      this.out = out;
    }

    @Override
    public void write(char[] buf, int off, int len) throws IOException {
      out.write(buf, off, len);
      int start = off;
      int end = off + len;
      for (int i = off; i < end; i++) {
        if (buf[i] == '\n') {
          int lineEnd = i > start && buf[i - 1] == '\r' ? i - 1 : i;
          if (line.length() == 0) {
            state.line(new String(buf, start, Math.min(lineEnd - start, MAX_LINE)));
          } else {
            append(buf, start, lineEnd);
            state.line(line.toString());
            line.setLength(0);
          }
          start = i + 1;
        }
      }
      append(buf, start, end);
    }

    private void append(char[] buf, int from, int to) {
      int n = Math.min(to - from, MAX_LINE - line.length());
      if (n > 0) {
        line.append(buf, from, n);
      }
    }

    @Override
    public void flush() throws IOException {
      out.flush();
    }

    /** Counts a last line without its newline and closes the file's counts; once. */
    void finish() {
      if (finished) {
        return;
      }
      finished = true;
      if (line.length() > 0) {
        state.line(line.toString());
        line.setLength(0);
      }
      state.end();
    }

    @Override
    public void close() throws IOException {
      finish();
      out.close();
    }
  }
}
