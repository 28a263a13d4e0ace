#!/usr/bin/env bash
# What a packet costs a busy application: the work its one CPU-bound thread does during the packet's window, against
# the same length of time just before, for the first packet of a fresh JVM and for the next one; side by side with
# jcmd gathering the same content the fastest way by hand (JFR.start first, the other commands overlapped with it).
#
#   bench/throughput-cost.sh [--jdk 17|25|/path/to/jdk] [--rounds N] [--live-mb MB]
#
# A report, not a test: it exits 0 whether the goal (packet at least as good as jcmd) is met or not. Each round starts
# a fresh bench/ThroughputTarget.java per method and kills it; the load average is printed with the figures.
set -euo pipefail

usage() { sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }

JDK=17
ROUNDS=3
LIVE_MB=100
while [ $# -gt 0 ]; do
  case "$1" in
    --jdk) JDK=${2:?--jdk needs 17, 25 or a JDK directory}; shift 2 ;;
    --rounds) ROUNDS=${2:?--rounds needs a number}; shift 2 ;;
    --live-mb) LIVE_MB=${2:?--live-mb needs a number}; shift 2 ;;
    -h|--help) usage ;;
    *) echo "unknown argument: $1" >&2; usage ;;
  esac
done
[[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || { echo "--rounds must be a positive number, got: $ROUNDS" >&2; exit 2; }

REPO=$(cd "$(dirname "$0")/.." && pwd)
PROFILE_S=5   # the packet's default profile, and the jcmd recording's duration
BEFORE_S=5    # the window "just before" each method
SETTLE_S=8    # after the target starts (JIT) and between the first and the next run

NAME=throughput-cost
# shellcheck source=bench/target-jvm.sh
. "$REPO/bench/target-jvm.sh"

start_target() { # $1: directory of this target's files
  mkdir -p "$1/out"
  (cd "$1" && exec "$JAVA" -Xmx512m "-Xlog:jfr=info:file=$1/jfr.log" "$REPO/bench/ThroughputTarget.java" \
      "$1/counts" "$LIVE_MB") >"$1/target.out" 2>&1 &
  TARGET_PID=$!
  for _ in $(seq 1 300); do
    [ -s "$1/counts" ] && break
    kill -0 "$TARGET_PID" 2>/dev/null || break
    sleep 0.2
  done
  [ -s "$1/counts" ] || { log "the target did not start:"; cat "$1/target.out" >&2; exit 1; }
  sleep "$SETTLE_S"
}

# Work per second between two epoch-ms instants, from the reporter's samples (the nearest sample at or after each).
rate() { # $1 counts file, $2 from ms, $3 to ms
  awk -v a="$2" -v b="$3" '$1 >= a && !ca { ta = $1; ca = $2 + 0; seen = 1 } $1 >= b && !cb { tb = $1; cb = $2 + 0 }
    END { if (!seen || !cb || tb <= ta) print "nan"; else printf "%.3f", (cb - ca) * 1000 / (tb - ta) }' "$1"
}

packet() { # $1 target dir
  local rc=0
  "$JAVA" -jar "$JAR" "$TARGET_PID" -q --output "$1/out" >/dev/null 2>"$1/cli.err" || rc=$?
  [ "$rc" -le 1 ] || { log "attach.jar failed (exit $rc): $(cat "$1/cli.err")"; return 1; }
}

jcmd_overlapped() { # $1 target dir, $2 run name: the recording first, the rest at once beside it
  local name="bench-$2" pids=()
  "$JCMD" "$TARGET_PID" JFR.start name="$name" duration=${PROFILE_S}s filename="$1/$name.jfr" >/dev/null
  "$JCMD" "$TARGET_PID" Thread.print -l >"$1/threads-$2.txt" & pids+=($!)
  "$JCMD" "$TARGET_PID" GC.class_histogram -all >"$1/histogram-$2.txt" & pids+=($!)
  "$JCMD" "$TARGET_PID" VM.system_properties >"$1/props-$2.txt" & pids+=($!)
  "$JCMD" "$TARGET_PID" VM.flags >"$1/flags-$2.txt" & pids+=($!)
  "$JCMD" "$TARGET_PID" VM.command_line >"$1/cmd-$2.txt" & pids+=($!)
  wait "${pids[@]}"
  local deadline=$(($(now_ms) + 60000))
  until grep -qF "Wrote recording \"$name\"" "$1/jfr.log" 2>/dev/null; do
    [ "$(now_ms)" -lt "$deadline" ] || { log "recording $name not written in 60 s"; return 1; }
    sleep 0.02
  done
}

RESULTS=$WORK/results.tsv # method  which  percent  window_ms  load
: >"$RESULTS"
measure() { # $1 method, $2 which (first|next), $3 target dir
  local t0 t1 before during
  t0=$(now_ms)
  if [ "$1" = packet ]; then packet "$3"; else jcmd_overlapped "$3" "$2"; fi
  t1=$(now_ms)
  sleep 0.3 # the reporter's sample after t1
  before=$(rate "$3/counts" $((t0 - BEFORE_S * 1000)) "$t0")
  during=$(rate "$3/counts" "$t0" "$t1")
  printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$(awk -v d="$during" -v b="$before" 'BEGIN { printf "%.1f", 100 * d / b }')" \
    $((t1 - t0)) "$(cut -d' ' -f1 /proc/loadavg)" >>"$RESULTS"
}

log "$("$JAVA" -version 2>&1 | head -1); $ROUNDS rounds; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq 1 "$ROUNDS"); do
  # Alternate which method goes first, so that a trend in the machine's load does not favour one.
  methods="packet jcmd"; [ $((round % 2)) -eq 0 ] && methods="jcmd packet"
  for m in $methods; do
    dir=$WORK/$m-$round
    start_target "$dir"
    measure "$m" first "$dir"
    sleep "$SETTLE_S"
    measure "$m" next "$dir"
    stop_target
    log "round $round $m done"
  done
done

echo
echo "throughput of one CPU-bound thread during the window, % of the ${BEFORE_S} s just before (median of $ROUNDS; min-max)"
echo "JDK: $("$JAVA" -version 2>&1 | head -1); cores: $(nproc); live heap: ${LIVE_MB} MB"
printf '%-8s %-6s %8s %14s %10s %s\n' method packet median min-max window_s load
for m in packet jcmd; do
  for w in first next; do
    awk -F'\t' -v m="$m" -v w="$w" '$1 == m && $2 == w { print $3, $4, $5 }' "$RESULTS" | sort -n | awk -v m="$m" -v w="$w" '
      { p[NR] = $1; win[NR] = $2; ld = ld (ld ? "," : "") $3 }
      END { if (!NR) exit; printf "%-8s %-6s %7.1f%% %6.1f-%5.1f%% %10.1f %s\n", m, w, p[int((NR + 1) / 2)], p[1], p[NR],
            win[int((NR + 1) / 2)] / 1000, ld }'
  done
done
echo "goal: the packet at least as good as jcmd, first and next"
