package dev.supportpacket.agent.collect.profile;

import dev.supportpacket.agent.collect.FrameNames;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;

/**
 * Turns execution samples into folded stacks, {@code root;caller;callee count} per line, most frequent first: the
 * input of flamegraph.pl, speedscope and every other flame-graph tool. Only class and method names are kept, hidden
 * classes {@linkplain FrameNames normalised} so that one lambda folds into one stack. Counts add up over the parts
 * a recording is read in.
 */
final class FoldedStacks {
  /**
   * Stacks folded and kept by identity, at most: JFR's parser hands out one object per stack of a chunk, shared by
   * every sample of that stack (busy threads repeat a handful of stacks thousands of times), and folding one walks
   * every frame. Cleared when full, since a long recording's chunks each bring their own objects.
   */
  private static final int FOLDED_KEPT = 4096;

  /** Samples per folded stack, over every part read so far. */
  private final Map<String, Integer> counts = new HashMap<>();

  /**
   * Begins a part: whole chunks of the recording, after those read before. The consumer adds the samples among its
   * events, as JFR's parser hands them out.
   */
  Consumer<RecordedEvent> part() {
    // Per part: the parser's stack objects are the chunk's own.
    Map<RecordedStackTrace, String> folded = new IdentityHashMap<>();
    return e -> {
      if (!e.getEventType().getName().equals(CpuProfileCollector.EXECUTION_SAMPLE)) {
        return;
      }
      RecordedStackTrace st = e.getStackTrace();
      if (st != null) {
        String stack = folded.get(st);
        if (stack == null) {
          if (folded.size() == FOLDED_KEPT) {
            folded.clear();
          }
          stack = fold(st);
          folded.put(st, stack);
        }
        counts.merge(stack, 1, Integer::sum);
      }
    };
  }

  /** Writes the stacks read so far, most frequent first. */
  void write(Writer out) throws IOException {
    List<Map.Entry<String, Integer>> sorted = new ArrayList<>(counts.entrySet());
    sorted.sort(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
    for (Map.Entry<String, Integer> e : sorted) {
      out.write(e.getKey());
      out.write(' ');
      out.write(Integer.toString(e.getValue()));
      out.write('\n');
    }
  }

  private static String fold(RecordedStackTrace st) {
    List<RecordedFrame> frames = st.getFrames();
    StringBuilder sb = new StringBuilder();
    if (st.isTruncated()) {
      sb.append("[truncated]");
    }
    for (int i = frames.size() - 1; i >= 0; i--) {
      RecordedFrame f = frames.get(i);
      if (sb.length() > 0) {
        sb.append(';');
      }
      // A ';' or ' ' inside a name would break the format; neither occurs in JVM class or method names.
      sb.append(FrameNames.normalise(f.getMethod().getType().getName())).append('.').append(f.getMethod().getName());
    }
    return sb.toString();
  }
}
