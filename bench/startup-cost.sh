#!/usr/bin/env bash
# What -javaagent:agent.jar adds to a JVM's startup: `java -cp DIR Hello` without an agent, with an empty agent (a
# premain that does nothing: what any -javaagent costs the JVM itself) and with ours, RUNS rounds, the order rotating
# each round; wall time from exec to exit. Prints min and median in ms and the differences, the load average before
# and after (the figures mean little on a busy machine), and how many classes each makes the JVM load before main
# (-Xlog:class+load), which does not depend on the load.
# Usage: bench/startup-cost.sh [RUNS] (default 30); JAVA=/path/to/java to pick the JDK, AGENT=jar to compare another
# build of the agent. Build first: mvn package.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-30}
JAVA=${JAVA:-java}
AGENT=${AGENT:-$(pwd)/agent/target/agent.jar}
[ -f "$AGENT" ] || { echo "missing $AGENT: run mvn -B -q package -DskipTests first" >&2; exit 2; }
BIN=$(dirname "$(readlink -f "$(command -v "$JAVA")")")
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cat > "$WORK/Hello.java" <<'JAVA'
public class Hello {
  public static void main(String[] args) {
    System.out.println("hello");
  }
}
JAVA
mkdir "$WORK/empty" # not on Hello's class path: the JVM must load it from the jar, as it does ours
cat > "$WORK/empty/EmptyAgent.java" <<'JAVA'
public class EmptyAgent {
  public static void premain(String args, java.lang.instrument.Instrumentation inst) {}
}
JAVA
"$BIN/javac" -d "$WORK" "$WORK/Hello.java"
"$BIN/javac" -d "$WORK/empty" "$WORK/empty/EmptyAgent.java"
printf 'Premain-Class: EmptyAgent\n' > "$WORK/manifest.txt"
"$BIN/jar" cfm "$WORK/empty-agent.jar" "$WORK/manifest.txt" -C "$WORK/empty" EmptyAgent.class

NAMES=("without agent" "empty agent" "our agent")
ARGS=("" "-javaagent:$WORK/empty-agent.jar" "-javaagent:$AGENT")
run_ms() { # prints the wall time of one run in ms
  local t0 t1
  t0=$(date +%s%N)
  # shellcheck disable=SC2086 # the empty argument must vanish
  "$JAVA" $1 -cp "$WORK" Hello > /dev/null
  t1=$(date +%s%N)
  echo $(( (t1 - t0) / 1000000 ))
}
stats() { # min median of the numbers on stdin
  sort -n | awk '{a[NR]=$1} END {m = (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2; printf "%d %d\n", a[1], m}'
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for _ in 1 2 3; do for i in 0 1 2; do run_ms "${ARGS[$i]}" > /dev/null; done; done # warm the page cache
for i in 0 1 2; do : > "$WORK/times$i"; done
for r in $(seq "$RUNS"); do
  for k in 0 1 2; do
    i=$(( (r + k) % 3 ))
    run_ms "${ARGS[$i]}" >> "$WORK/times$i"
  done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
declare -a MIN MED CLASSES
for i in 0 1 2; do
  read -r "MIN[$i]" "MED[$i]" < <(stats < "$WORK/times$i")
  # shellcheck disable=SC2086
  "$JAVA" ${ARGS[$i]} -Xlog:class+load:file="$WORK/cl.txt" -cp "$WORK" Hello > /dev/null
  CLASSES[$i]=$(grep -c . "$WORK/cl.txt")
done

"$JAVA" -version 2>&1 | head -1
printf '%-30s %8s %8s %8s\n' "java -cp . Hello" "min ms" "median" "classes"
for i in 0 1 2; do
  printf '%-30s %8d %8d %8d\n' "${NAMES[$i]}" "${MIN[$i]}" "${MED[$i]}" "${CLASSES[$i]}"
done
printf '%-30s %8d %8d %8d\n' "added by an empty agent" $((MIN[1] - MIN[0])) $((MED[1] - MED[0])) \
  $((CLASSES[1] - CLASSES[0]))
printf '%-30s %8d %8d %8d   (target: < 50 ms)\n' "added by our agent" $((MIN[2] - MIN[0])) $((MED[2] - MED[0])) \
  $((CLASSES[2] - CLASSES[0]))
printf '%d rounds, %d cores, load average %s before, %s after\n' "$RUNS" "$(nproc)" "$load_before" "$load_after"
