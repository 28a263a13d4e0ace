package dev.supportpacket.agent.findings.rules;

import dev.supportpacket.agent.findings.model.PacketModel;
import dev.supportpacket.agent.findings.model.Reading;
import dev.supportpacket.agent.findings.model.ThreadSample;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Threads created and never ended (fastThread's "additives"): one name pattern whose first number keeps counting
 * up ({@code pool-137-thread-1}: 137 executors created and not shut down), or the live count rising through the
 * window while none end. A big pool of idle workers ({@code http-nio-8080-exec-200}) is not a leak.
 */
public final class ThreadLeakRule implements Rule {
  /** Distinct first numbers in one name pattern: that many pools (or single threads) created. */
  static final int CREATED_GROUPS = 50;
  /** Live threads added during the window, and the least live count, for a rising count to matter. */
  static final long RISE = 20;
  static final long MANY = 200;

  private static final Pattern FIRST_NUMBER = Pattern.compile("\\d+");

  @Override
  public String id() {
    return "thread-leak";
  }

  @Override
  public List<Finding> apply(PacketModel m) {
    List<Finding> out = new ArrayList<>();
    Map<String, Set<String>> firstNumbers = new LinkedHashMap<>();
    Map<String, List<ThreadSample>> members = new HashMap<>();
    for (ThreadSample t : Threads.last(m)) {
      Matcher d = FIRST_NUMBER.matcher(t.name);
      if (d.find()) {
        String pattern = t.name.replaceAll("\\d+", "#");
        firstNumbers.computeIfAbsent(pattern, k -> new HashSet<>()).add(d.group());
        members.computeIfAbsent(pattern, k -> new ArrayList<>()).add(t);
      }
    }
    firstNumbers.forEach((pattern, numbers) -> {
      if (numbers.size() < CREATED_GROUPS) {
        return;
      }
      List<ThreadSample> ts = members.get(pattern);
      ThreadSample t = ts.get(0);
      out.add(Finding.scored(id(), 75, ts.size() + " threads named \"" + pattern + "\": " + numbers.size()
          + " pools or threads created and never ended", ts.size() + " live threads are named \"" + pattern + "\" with " + numbers.size()
          + " different numbers in the first place: a pool or thread is created again and again and never shut"
          + " down; most wait at " + Threads.site(t) + " (" + t.state + ").",
          List.of(Threads.evidence(m, t, Fmt.quoted(t.name) + " " + t.state + " at " + t.top())), Set.of(pattern)));
    });
    if (m.hasDelta()) {
      Reading a = m.start.get();
      Reading b = m.end.get();
      long rise = b.threadsLive() - a.threadsLive();
      long started = b.threadsStarted() - a.threadsStarted();
      if (a.threadsLive() >= 0 && rise >= RISE && started >= rise && out.isEmpty()) {
        out.add(Finding.scored(id(), b.threadsLive() >= MANY ? 70 : 45, "Live threads rising: +" + rise + " in "
            + Fmt.secs(m.windowMs()) + " (now " + b.threadsLive() + ")", Fmt.n(started) + " threads started and "
            + rise + " more live at the end of the window than at its start (" + a.threadsLive() + " → "
            + b.threadsLive() + ", peak " + b.threadsPeak() + "): threads are created faster than they end.",
            List.of(new Evidence(b.entry, m.lineOf(b.entry, "\"threads\""), "threads live " + b.threadsLive())),
            Set.of()));
      }
    }
    return out;
  }
}
