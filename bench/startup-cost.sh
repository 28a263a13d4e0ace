#!/usr/bin/env bash
# What -javaagent:agent.jar adds to a JVM's startup: `java -cp DIR Hello` with and without the agent, run
# alternately RUNS times each, wall time from exec to exit; prints min and median in ms, and the difference.
# Also reports how many classes the agent makes the JVM load before main (-Xlog:class+load).
# Usage: bench/startup-cost.sh [RUNS] (default 20); JAVA=/path/to/java to pick the JDK. Build first: mvn package.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-20}
JAVA=${JAVA:-java}
AGENT=$(pwd)/agent/target/agent.jar
[ -f "$AGENT" ] || { echo "missing $AGENT: run mvn -B -q package -DskipTests first" >&2; exit 2; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cat > "$WORK/Hello.java" <<'JAVA'
public class Hello {
  public static void main(String[] args) {
    System.out.println("hello");
  }
}
JAVA
"$(dirname "$(readlink -f "$(command -v "$JAVA")")")/javac" -d "$WORK" "$WORK/Hello.java"

run_ms() { # prints the wall time of one run in ms
  local t0 t1
  t0=$(date +%s%N)
  "$JAVA" "$@" -cp "$WORK" Hello > /dev/null
  t1=$(date +%s%N)
  echo $(( (t1 - t0) / 1000000 ))
}
stats() { # min median of the numbers on stdin
  sort -n | awk '{a[NR]=$1} END {m = (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2; printf "%d %d\n", a[1], m}'
}

for _ in 1 2 3; do run_ms > /dev/null; run_ms -javaagent:"$AGENT" > /dev/null; done # warm the page cache
: > "$WORK/without"; : > "$WORK/with"
for _ in $(seq "$RUNS"); do
  run_ms >> "$WORK/without"
  run_ms -javaagent:"$AGENT" >> "$WORK/with"
done
read -r wo_min wo_med < <(stats < "$WORK/without")
read -r wi_min wi_med < <(stats < "$WORK/with")
classes() { "$JAVA" "$@" -Xlog:class+load:file="$WORK/cl.txt" -cp "$WORK" Hello > /dev/null; grep -c . "$WORK/cl.txt"; }
cl_wo=$(classes); cl_wi=$(classes -javaagent:"$AGENT")

"$JAVA" -version 2>&1 | head -1
printf '%-22s %8s %8s\n' "java -cp . Hello" "min ms" "median"
printf '%-22s %8d %8d\n' "without agent" "$wo_min" "$wo_med"
printf '%-22s %8d %8d\n' "with -javaagent" "$wi_min" "$wi_med"
printf '%-22s %8d %8d   (target: < 50 ms)\n' "added" $((wi_min - wo_min)) $((wi_med - wo_med))
printf 'classes loaded: %d without, %d with the agent (%d runs each, %d cores)\n' "$cl_wo" "$cl_wi" "$RUNS" "$(nproc)"
