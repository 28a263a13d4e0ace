package dev.supportpacket.agent.findings.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One thing found wrong (or worth knowing) in a packet. {@code id} is the category, one of a fixed list that
 * readers of findings.json rely on; {@code explains} lists the categories of other findings this one causes.
 */
public final class Finding {
  private static final Pattern ID = Pattern.compile("[a-z][a-z0-9-]*");

  public final String id;
  public final Severity severity;
  public final int score;
  public final String title;
  public final String summary;
  public final List<Evidence> evidence;
  public final List<String> explains;
  /** The threads (names) or other subjects it is about: links a cause to its effects; not written out. */
  public final Set<String> about;

  public Finding(String id, Severity severity, int score, String title, String summary, List<Evidence> evidence,
      List<String> explains, Set<String> about) {
    if (id == null || !ID.matcher(id).matches()) {
      throw new IllegalArgumentException("finding id must be a lower-case category, not " + id);
    }
    if (score < 0 || score > 100) {
      throw new IllegalArgumentException("score " + score + " is outside 0-100");
    }
    if (title == null || title.isBlank()) {
      throw new IllegalArgumentException("a finding names its culprit in its title");
    }
    this.id = id;
    this.severity = severity;
    this.score = score;
    this.title = title;
    this.summary = summary == null ? "" : summary;
    this.evidence = List.copyOf(evidence);
    this.explains = List.copyOf(explains);
    this.about = Set.copyOf(about);
  }

  /** A finding whose score and severity follow {@code score}: 75 and up WARNING, below INFO (JMC's bands). */
  public static Finding scored(String id, int score, String title, String summary, List<Evidence> evidence,
      Set<String> about) {
    int s = Math.max(0, Math.min(100, score));
    return new Finding(id, s >= 90 ? Severity.CRITICAL : s >= 60 ? Severity.WARNING : Severity.INFO, s, title,
        summary, evidence, List.of(), about);
  }

  /** The same finding as the cause of {@code effect}: scored just above it, so that it comes first. */
  public Finding explaining(Finding effect) {
    List<String> ex = new ArrayList<>(explains);
    if (!ex.contains(effect.id)) {
      ex.add(effect.id);
    }
    int s = Math.max(score, Math.min(100, effect.score + 1));
    Severity sev = severity.ordinal() <= effect.severity.ordinal() ? severity : effect.severity;
    return new Finding(id, sev, s, title, summary, evidence, ex, about);
  }

  public boolean alarming() {
    return severity != Severity.INFO;
  }
}
