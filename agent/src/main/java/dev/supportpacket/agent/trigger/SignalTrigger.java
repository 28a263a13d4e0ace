package dev.supportpacket.agent.trigger;

import dev.supportpacket.agent.boot.AgentClassLoader;
import dev.supportpacket.agent.boot.Daemon;
import dev.supportpacket.agent.options.PacketOptions;
import java.io.PrintStream;
import java.util.function.LongSupplier;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * {@code kill -URG <pid>} writes a packet. The handler runs on the JVM's signal dispatch thread, which also serves
 * the JVM's own signals: it only asks the rate limiter and hands the packet to a new daemon thread. Nothing runs
 * while no signal comes.
 *
 * <p>A signal has no one to answer to, so the outcome is one {@code support-packet:} line on the application's
 * stderr (the path, or why not) and the MBean's {@code LastPacketPath}/{@code LastOutcome}.
 *
 * <p>Installed by premain, so it stays out of the packet code until a signal comes (see {@link AgentClassLoader}).
 */
public final class SignalTrigger implements SignalHandler, Runnable {
  private final String signal;
  private final String agentArgs;
  private final RateLimiter limiter;
  private final PrintStream err;

  private SignalTrigger(PacketOptions options, String agentArgs, PrintStream err) {
    this.signal = options.signal();
    this.agentArgs = agentArgs;
    this.limiter = new RateLimiter(options.minInterval().toNanos(), RateLimiter.SYSTEM_CLOCK);
    this.err = err;
  }

  /**
   * Installs the handler for {@code options.signal()} unless it is {@link PacketOptions#SIGNAL_OFF}.
   *
   * @param agentArgs the argument string {@code options} were parsed from, for the packets
   * @return how many signals were ignored so far (always 0 when the trigger is off)
   * @throws IllegalArgumentException when the JVM does not know the signal or keeps it for itself
   */
  public static LongSupplier install(PacketOptions options, String agentArgs, PrintStream err) {
    if (options.signal().equals(PacketOptions.SIGNAL_OFF)) {
      return RateLimiter.NONE_REFUSED;
    }
    SignalTrigger trigger = new SignalTrigger(options, agentArgs, err);
    Signal.handle(new Signal(options.signal()), trigger);
    return trigger.limiter;
  }

  @Override
  public void handle(Signal sig) {
    try {
      if (limiter.tryAcquire()) {
        Daemon.start("signal", this);
      }
    } catch (Throwable t) {
      // Never into the JVM's signal dispatcher: the application's own handlers run on it too.
    }
  }

  /** The worker thread's body: not for callers. */
  @Override
  public void run() {
    try {
      err.println(AgentClassLoader.bridge().packetOnSignal(agentArgs, signal));
    } catch (Throwable t) {
      err.println("support-packet: SIG" + signal + ": no packet: " + t);
    }
  }
}
