#!/usr/bin/env bash
# Times how long the attach CLI takes to start a packet's profile: from `java -jar attach.jar <pid>` until the target
# logs that the packet's JFR recording started, side by side with `jcmd <pid> JFR.start` (the first step of overlapped
# jcmd) measured the same way, on one running JVM. Give several builds of attach.jar to compare them in the same
# minutes (rounds interleaved, so that drift in the machine's load hits them alike); default: this tree's.
#
#   bench/cli-start.sh [--jdk 17|25|/path/to/jdk] [--runs N] [attach.jar ...]
#
# A report, not a test. Packets take a 1-s profile (what follows the start is not timed here; bench/packet-vs-jcmd.sh
# times the whole packet). Builds of different status protocols cannot share one target: the agent stays loaded.
# It starts a small target (bench/BenchTarget.java, 50 MB live heap) and kills it at the end whatever happens.
set -euo pipefail

JDK=17
RUNS=10
JARS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --jdk) JDK=${2:?--jdk needs 17, 25 or a JDK directory}; shift 2 ;;
    --runs) RUNS=${2:?--runs needs a number}; shift 2 ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
    *) JARS+=("$(readlink -f "$1")"); shift ;;
  esac
done
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || { echo "--runs must be a positive number, got: $RUNS" >&2; exit 2; }

REPO=$(cd "$(dirname "$0")/.." && pwd)
NAME=cli-start
# shellcheck source=bench/target-jvm.sh
. "$REPO/bench/target-jvm.sh"
[ ${#JARS[@]} -gt 0 ] || JARS=("$JAR")
for j in "${JARS[@]}"; do [ -f "$j" ] || { echo "no such jar: $j (build with mvn -B -q package -DskipTests)" >&2; exit 2; }; done

JFR_LOG=$WORK/jfr.log
mkdir -p "$WORK/target" "$WORK/out"
start_bench_target 50 -Xmx512m

now_us() { echo "${EPOCHREALTIME//[.,]/}"; }
started() { grep -c "Started recording \"$1\"" "$JFR_LOG" 2>/dev/null || true; }
# ms from $1 (µs) to the last "Started recording" line of recording $2, once there is a new one beyond count $3.
to_start() {
  local t0=$1 name=$2 before=$3 t
  for _ in $(seq 1 500); do
    [ "$(started "$name")" -gt "$before" ] && break
    sleep 0.01
  done
  [ "$(started "$name")" -gt "$before" ] || { echo "no recording $name was started" >&2; return 1; }
  t=$(grep "Started recording \"$name\"" "$JFR_LOG" | tail -1 | sed 's/^\[\([0-9]*\)ms.*/\1/')
  echo $((t - t0 / 1000))
}
time_way() { # prints the ms of one run of way $1 (a jar, or "jcmd")
  local way=$1 n t0 ms
  if [ "$way" = jcmd ]; then
    n=$(started jcmd-start)
    t0=$(now_us)
    "$JCMD" "$TARGET_PID" JFR.start name=jcmd-start duration=1s filename="$WORK/out/jcmd.jfr" >/dev/null
    ms=$(to_start "$t0" jcmd-start "$n")
    sleep 1.5 # the recording ends before the next run
  else
    n=$(started support-packet)
    t0=$(now_us)
    nice "$JAVA" -jar "$way" "$TARGET_PID" -q -d 1 --output "$WORK/out" >/dev/null 2>"$WORK/err" ||
      [ $? -eq 1 ] || { cat "$WORK/err" >&2; return 1; }
    ms=$(to_start "$t0" support-packet "$n")
  fi
  echo "$ms"
}

WAYS=("${JARS[@]}" jcmd)
declare -A TIMES
# Round 0 is the cold one (the agent loaded, JFR started for the first time in this JVM): left out of the statistics.
for run in $(seq 0 "$RUNS"); do
  for way in "${WAYS[@]}"; do
    ms=$(time_way "$way") || continue
    [ "$run" -eq 0 ] || TIMES[$way]+="$ms "
  done
done
echo "load average after:  $(cut -d' ' -f1-3 /proc/loadavg)"

stats() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {printf "%5d %6d %5d %4d", a[1], a[int((NR+1)/2)], a[NR], NR}'; }
printf '\n%-70s %5s %6s %5s %4s\n' "until the recording started, ms ($RUNS warm runs each)" min median max runs
for way in "${WAYS[@]}"; do
  label="jcmd <pid> JFR.start"
  [ "$way" = jcmd ] || label="java -jar $(echo "$way" | sed "s|^$REPO/||") <pid> -q"
  printf '%-70s %s\n' "$label" "$(echo "${TIMES[$way]:-}" | stats)"
done
