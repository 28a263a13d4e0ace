package dev.supportpacket.cli;

/** Every exit code of attach.jar, in one place; the README's table is written from this. */
public enum ExitCode {
  OK(0, "packet written and complete (or the command succeeded)"),
  PARTIAL(1, "packet written but incomplete: warning.txt inside says what is missing"),
  USAGE(2, "wrong arguments: see --help"),
  NO_SUCH_PROCESS(3, "no process has that pid"),
  NOT_A_JVM(4, "the process is not a Java virtual machine (it was not signalled)"),
  OTHER_USER(5, "the JVM belongs to another user: run as that user (sudo -u <user> java -jar attach.jar <pid>) or as root"),
  ATTACH_DISABLED(6, "the JVM refuses attach (-XX:+DisableAttachMechanism), is stopped, or does not answer: use the startup agent"),
  OUTPUT_PROBLEM(7, "the output directory is missing, not writable, or has too little free space: use --output"),
  TARGET_DIED(8, "the target JVM exited while the packet was being written"),
  TIMEOUT(9, "the agent did not finish in time: see --timeout"),
  ALREADY_RUNNING(10, "another packet is being written in that JVM: wait and try again"),
  AGENT_FAILED(11, "attaching or the agent failed; the message says why"),
  SECRETS_FOUND(12, "scan: the packet still holds something that looks secret"),
  AUDIT_TAMPERED(13, "audit verify: a record was edited, removed or reordered, a rotated file is missing, or a seal does not verify");

  public final int code;
  public final String meaning;

  ExitCode(int code, String meaning) {
    this.code = code;
    this.meaning = meaning;
  }
}
