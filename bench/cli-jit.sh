#!/usr/bin/env bash
# Times whole packets from the attach CLI with its JIT as it ships (C2 excluded by a compiler directive once the
# target records: CompilerLimit), with the JIT left as it is, and with -XX:TieredStopAtLevel=1 (what the directive
# stands in for, since `java -jar` cannot carry the flag), on one busy JVM: the whole packet and the part after the
# recording's stop, which is where the CLI's C2 competed for the cores with our own reading.
#
#   bench/cli-jit.sh [--jdk 17|25|/path/to/jdk] [--runs N]
#
# A report, not a test. "As is" runs the same jar with -cp instead of -jar: the manifest's Add-Opens then does not
# apply, and the directive cannot be added (only time is lost, as on a JDK that refused it). Rounds interleave the
# three ways, so that drift in the machine's load hits them alike. It starts bench/BenchTarget.java (300 MB live
# heap, about one core busy) and kills it at the end whatever happens.
set -euo pipefail

JDK=17
RUNS=8
while [ $# -gt 0 ]; do
  case "$1" in
    --jdk) JDK=${2:?--jdk needs 17, 25 or a JDK directory}; shift 2 ;;
    --runs) RUNS=${2:?--runs needs a number}; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || { echo "--runs must be a positive number, got: $RUNS" >&2; exit 2; }

REPO=$(cd "$(dirname "$0")/.." && pwd)
NAME=cli-jit
# shellcheck source=bench/target-jvm.sh
. "$REPO/bench/target-jvm.sh"

JFR_LOG=$WORK/jfr.log
mkdir -p "$WORK/target" "$WORK/out"
start_bench_target 300 -Xms1g -Xmx1g
sleep 3 # let the JIT and the first young GCs settle

WAYS=("shipped" "as-is" "c1-flag")
cli() { # the command line of way $1, without the packet's own arguments
  case "$1" in
    shipped) echo "$JAVA -jar $JAR" ;;
    as-is) echo "$JAVA -cp $JAR dev.supportpacket.cli.Main" ;;
    c1-flag) echo "$JAVA -XX:TieredStopAtLevel=1 -cp $JAR dev.supportpacket.cli.Main" ;;
  esac
}
stopped_ms() { grep 'Stopped recording "support-packet"' "$JFR_LOG" | tail -1 | sed 's/^\[\([0-9]*\)ms.*/\1/'; }

declare -A TOTAL AFTER
# Round 0 is the cold one (the agent loaded, JFR started for the first time in this JVM): left out of the statistics.
for run in $(seq 0 "$RUNS"); do
  n=${#WAYS[@]}
  for k in $(seq 0 $((n - 1))); do
    way=${WAYS[$(((k + run) % n))]}
    sleep 2 # one packet's after-effects out of the next one's window
    t0=$(now_ms)
    # shellcheck disable=SC2046
    $(cli "$way") "$TARGET_PID" -q --output "$WORK/out" >/dev/null 2>"$WORK/err" || [ $? -eq 1 ] ||
      { cat "$WORK/err" >&2; exit 1; }
    t1=$(now_ms)
    sleep 0.3 # JFR's log line is written by the time the CLI has the packet; this only lets the file catch up
    stop=$(stopped_ms)
    if [ "$run" -gt 0 ]; then
      TOTAL[$way]+="$((t1 - t0)) "
      AFTER[$way]+="$((t1 - stop)) "
    fi
    rm -f "$WORK"/out/*.zip
  done
done
echo "load average after:  $(cut -d' ' -f1-3 /proc/loadavg)"

stats() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {printf "%6d %6d %6d", a[1], a[int((NR+1)/2)], a[NR]}'; }
printf '\n%-62s %20s   %20s\n' "" "whole packet, ms" "after the stop, ms"
printf '%-62s %6s %6s %6s   %6s %6s %6s\n' "CLI ($RUNS warm packets each, 5-s profile)" min median max min median max
for way in "${WAYS[@]}"; do
  case "$way" in
    shipped) label="java -jar attach.jar (C2 excluded once the target records)" ;;
    as-is) label="java -cp attach.jar ...Main (JIT as is)" ;;
    c1-flag) label="java -XX:TieredStopAtLevel=1 -cp attach.jar ...Main" ;;
  esac
  printf '%-62s %s   %s\n' "$label" "$(echo "${TOTAL[$way]:-}" | stats)" "$(echo "${AFTER[$way]:-}" | stats)"
done
