#!/usr/bin/env bash
# Times how the attach CLI reaches a support-packet agent that already runs in the target: by loading the agent again
# (agentmain; what the CLI does now, no port) against the JVM's local JMX connector (what it did before; it leaves an
# RMI port open), side by side with `jcmd <pid> VM.version`, the JDK's cheapest attach round trip. Prints min /
# median / max in ms of each, the load average, and the target's listening TCP sockets after each way.
#
#   bench/reach-agent.sh [--jdk 17|25|/path/to/jdk] [--runs N]
#
# A report, not a test. It builds attach.jar if missing, starts a small target with the startup agent and kills it at
# the end whatever happens. The timed span starts at the tool's main (attach/jmx) or is jcmd's whole run.
set -euo pipefail

JDK=17
RUNS=15
while [ $# -gt 0 ]; do
  case "$1" in
    --jdk) JDK=${2:?--jdk needs 17, 25 or a JDK directory}; shift 2 ;;
    --runs) RUNS=${2:?--runs needs a number}; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || { echo "--runs must be a positive number, got: $RUNS" >&2; exit 2; }

REPO=$(cd "$(dirname "$0")/.." && pwd)
case "$JDK" in
  # Found by version, not by a fixed path.
  17|25) JAVA_HOME_BENCH=$(for d in /usr/lib/jvm/*/; do
           [ -x "$d/bin/jcmd" ] && grep -q "^JAVA_VERSION=\"$JDK[.\"]" "$d/release" 2>/dev/null && echo "${d%/}" && break
         done) ;;
  *) JAVA_HOME_BENCH=$JDK ;;
esac
JAVA=${JAVA_HOME_BENCH:-}/bin/java
JCMD=${JAVA_HOME_BENCH:-}/bin/jcmd
[ -x "$JAVA" ] && [ -x "$JCMD" ] || { echo "no JDK $JDK with java and jcmd under /usr/lib/jvm" >&2; exit 2; }
AGENT=$REPO/agent/target/agent.jar
[ -f "$AGENT" ] || (cd "$REPO" && mvn -B -q -o package -DskipTests) >&2

WORK=$(mktemp -d "${TMPDIR:-/tmp}/reach-agent.XXXXXX")
TARGET_PID=
cleanup() {
  local rc=$?
  if [ -n "$TARGET_PID" ] && kill -0 "$TARGET_PID" 2>/dev/null; then
    kill "$TARGET_PID" 2>/dev/null || true
    wait "$TARGET_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

listening() { # the target's own LISTEN sockets: /proc/net lists the namespace's, so match the process's inodes
  local inodes
  inodes=$(ls -l "/proc/$TARGET_PID/fd" 2>/dev/null | grep -o 'socket:\[[0-9]*\]' | tr -dc '0-9\n' | sort -u)
  cat "/proc/$TARGET_PID/net/tcp" "/proc/$TARGET_PID/net/tcp6" 2>/dev/null |
    awk '$4 == "0A" {print $10}' | sort -u | comm -12 - <(echo "$inodes") | wc -l
}

"$JAVA_HOME_BENCH/bin/javac" -d "$WORK/classes" "$REPO/bench/ReachAgent.java"
mkdir -p "$WORK/target"
(cd "$WORK/target" && exec "$JAVA" -Xmx512m "-javaagent:$AGENT=output=$WORK/target" \
    "$REPO/bench/BenchTarget.java" "$WORK/target/ready" 50) >"$WORK/target.out" 2>&1 &
TARGET_PID=$!
for _ in $(seq 1 900); do
  [ -s "$WORK/target/ready" ] && "$JCMD" "$TARGET_PID" VM.system_properties 2>/dev/null |
    grep -q '^dev.supportpacket.agent.version=' && break
  kill -0 "$TARGET_PID" 2>/dev/null || { cat "$WORK/target.out" >&2; exit 1; }
  sleep 0.2
done
echo "target pid $TARGET_PID on $("$JAVA" -version 2>&1 | head -1), startup agent's MBean registered" >&2
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

declare -A TIMES
time_way() { # prints the ms of one run of $1
  case "$1" in
    jcmd) local t0=${EPOCHREALTIME//[.,]/}
          "$JCMD" "$TARGET_PID" VM.version >/dev/null
          echo $(( (${EPOCHREALTIME//[.,]/} - t0) / 1000 )) ;;
    attach) "$JAVA" -cp "$WORK/classes" ReachAgent attach "$TARGET_PID" "$AGENT" ;;
    jmx) "$JAVA" -cp "$WORK/classes" ReachAgent jmx "$TARGET_PID" ;;
  esac
}
# Round 0 is the cold one (first attach of each way; the first jmx run starts the management agent) and is left out
# of the statistics. The listening sockets are counted after the cold attach, before any jmx run: once started, the
# management agent stays. Rounds interleave the ways so that drift in the machine's load hits them alike.
time_way attach >/dev/null
LISTEN_ATTACH=$(listening)
for run in $(seq 0 "$RUNS"); do
  for way in attach jmx jcmd; do
    ms=$(time_way "$way")
    [ "$run" -eq 0 ] || TIMES[$way]+="$ms "
  done
done
LISTEN_JMX=$(listening)
echo "load average after:  $(cut -d' ' -f1-3 /proc/loadavg)"

stats() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {printf "%5d %6d %5d", a[1], a[int((NR+1)/2)], a[NR]}'; }
printf '\n%-58s %5s %6s %5s   %s\n' "way ($RUNS warm runs each, ms)" min median max "target's listening sockets after"
printf '%-58s %s   %s\n' "attach again: loadAgent + agentmain (the CLI now)" "$(echo "${TIMES[attach]}" | stats)" "$LISTEN_ATTACH"
printf '%-58s %s   %s\n' "local JMX connector + createPacket (the CLI before)" "$(echo "${TIMES[jmx]}" | stats)" "$LISTEN_JMX"
printf '%-58s %s\n' "jcmd VM.version, whole run incl. its JVM start (reference)" "$(echo "${TIMES[jcmd]}" | stats)"
