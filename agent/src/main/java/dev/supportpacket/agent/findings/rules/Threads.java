package dev.supportpacket.agent.findings.rules;

import dev.supportpacket.agent.findings.model.Frames;
import dev.supportpacket.agent.findings.model.PacketModel;
import dev.supportpacket.agent.findings.model.Snapshot;
import dev.supportpacket.agent.findings.model.ThreadSample;
import java.util.ArrayList;
import java.util.List;

/** What the thread rules agree on: which threads count, what a stack is doing, where to point in the packet. */
final class Threads {
  /** Frames that wait for a socket or a file to answer. */
  private static final List<String> IO = List.of("NioSocketImpl.read", "NioSocketImpl.write", "NioSocketImpl.connect",
      "SocketInputStream.socketRead0", "SocketOutputStream.socketWrite0", "SocketDispatcher.read0",
      "SocketDispatcher.write0", "SocketChannelImpl.read", "SocketChannelImpl.write", "SocketChannelImpl.connect",
      "Net.connect0", "FileDispatcherImpl.force0", "UnixFileDispatcherImpl.force0", "FileChannelImpl.force",
      "PlainSocketImpl.socketConnect", "SSLSocketImpl$AppInputStream.read");
  /** Waiting for a client: accept loops and selectors. */
  private static final List<String> LISTENING = List.of("NioSocketImpl.accept", "ServerSocket.accept",
      "ServerSocketChannelImpl.accept", "Net.accept", "EPoll.wait", "EPollSelectorImpl.doSelect", "KQueue.poll",
      "SelectorImpl.select", "DatagramChannelImpl.receive");
  /** A pool worker waiting for its next task. */
  private static final List<String> POOL_IDLE = List.of("ThreadPoolExecutor.getTask", "ForkJoinPool.awaitWork",
      "QueuedThreadPool.idleJobPoll", "QueuedThreadPool$Runner.idleJobPoll", "TaskQueue.take", "TaskQueue.poll",
      "DelayedWorkQueue.take", "DelayedWorkQueue.poll");
  /** The frames of a worker of a thread pool. */
  private static final List<String> POOL = List.of("ThreadPoolExecutor.runWorker", "ThreadPoolExecutor$Worker.run",
      "ForkJoinWorkerThread.run", "QueuedThreadPool$Runner.run", "QueuedThreadPool$Runner.runJob");
  /** How deep under the top an I/O frame may sit (socket reads go through a few layers of the JDK). */
  private static final int IO_DEPTH = 10;

  private Threads() {}

  /** A thread name of the packet agent's own (its threads are daemons named support-packet-*). */
  static boolean isAgent(String threadName) {
    return threadName.startsWith("support-packet");
  }

  /** The application's threads of a snapshot: the packet agent's own are left out. */
  static List<ThreadSample> app(Snapshot s) {
    List<ThreadSample> out = new ArrayList<>();
    for (ThreadSample t : s.threads) {
      if (!t.agent) {
        out.add(t);
      }
    }
    return out;
  }

  static List<ThreadSample> last(PacketModel m) {
    return m.snapshots.isEmpty() ? List.of() : app(m.snapshots.get(m.snapshots.size() - 1));
  }

  /** The I/O frame the thread waits in, "" when it does not wait for I/O (or only for a client to connect). */
  static String ioFrame(ThreadSample t) {
    List<String> top = t.stack.subList(0, Math.min(IO_DEPTH, t.stack.size()));
    if (Frames.contains(top, LISTENING)) {
      return "";
    }
    for (String f : top) {
      if (Frames.contains(List.of(f), IO)) {
        return f;
      }
    }
    return "";
  }

  static boolean isSocket(String ioFrame) {
    return !ioFrame.contains("File");
  }

  static boolean inPool(ThreadSample t) {
    return Frames.contains(t.stack, POOL);
  }

  /** A pool worker between tasks. */
  static boolean idleWorker(ThreadSample t) {
    return Frames.contains(t.stack, POOL_IDLE);
  }

  /** A pool worker inside a task that waits (for a lock, a condition, a socket) instead of running. */
  static boolean stuckWorker(ThreadSample t) {
    return inPool(t) && !idleWorker(t) && (!t.state.equals("RUNNABLE") || !ioFrame(t).isEmpty());
  }

  /** The thread's first own frame as a site: {@code OrderService.fetchQuote(OrderService.java:40)}. */
  static String site(ThreadSample t) {
    return Frames.shortName(Frames.firstOwn(t.stack));
  }

  static Evidence evidence(PacketModel m, ThreadSample t, String text) {
    String entry = m.threadsEntry.isEmpty() ? PacketModel.THREADS : m.threadsEntry;
    int line = m.lineOf(entry, entry.equals(PacketModel.THREADS) ? "\"" + t.name + "\" #" + t.id : "\"" + t.name + "\"");
    return new Evidence(entry, line, text);
  }

  /** Whether the thread is in the same state and own frame in every snapshot that has it (at least 2). */
  static boolean sameInEvery(PacketModel m, long id) {
    List<ThreadSample> h = m.history(id);
    if (h.size() < 2) {
      return false;
    }
    String frame = Frames.method(Frames.firstOwn(h.get(0).stack));
    for (ThreadSample t : h) {
      if (!Frames.method(Frames.firstOwn(t.stack)).equals(frame) || !t.state.equals(h.get(0).state)) {
        return false;
      }
    }
    return true;
  }
}
