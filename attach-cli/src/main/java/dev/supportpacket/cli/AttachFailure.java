package dev.supportpacket.cli;

/** Turns an Attach API failure into what the user can do about it. */
final class AttachFailure {
  private AttachFailure() {}

  static CliFailure of(TargetProcess target, Exception e) {
    if (!target.alive()) {
      return new CliFailure(ExitCode.TARGET_DIED, "pid " + target.pid + " exited while the agent was being reached");
    }
    Throwable root = e;
    StringBuilder chain = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      root = t;
      chain.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage()).append(" / ");
    }
    String all = chain.toString();
    if (all.contains("AttachNotSupportedException") || all.contains("not respond")) {
      return new CliFailure(ExitCode.ATTACH_DISABLED, "pid " + target.pid + " did not answer the attach request ("
          + root.getMessage() + "); it may run with -XX:+DisableAttachMechanism or be hung; use the startup agent");
    }
    if (all.contains("ermission denied") || all.contains("not secure") || all.contains("Operation not permitted")) {
      return new CliFailure(ExitCode.OTHER_USER, "not allowed to attach to pid " + target.pid + " (" + root.getMessage()
          + "); run as the user that owns it");
    }
    return new CliFailure(ExitCode.AGENT_FAILED, "loading the agent into pid " + target.pid + " failed: " + all);
  }
}
