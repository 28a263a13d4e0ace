#!/usr/bin/env bash
# The heap the packet takes inside the target, against what jcmd's commands for the same content take: for a
# standard packet and a --heap-dump packet, on a small service (30 MB live, few classes) and a large one (300 MB live,
# 7500 classes: bench/BenchTarget.java). Two figures each:
#   allocated  KB the tool's threads allocated in the target's heap (a TLAB counts whole: an upper bound of the peak)
#   retained   KB more in use after a full GC once the tool is done (GC.class_histogram totals before and after)
#
#   bench/agent-heap.sh [--jdk 17|25|/path/to/jdk]
#
# A report, not a test. Each case starts a fresh target with an allocation recording running (so JFR's own start-up
# is not counted for either tool) and kills it at the end.
set -euo pipefail

usage() { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
JDK=17
while [ $# -gt 0 ]; do
  case "$1" in
    --jdk) JDK=${2:?--jdk needs 17, 25 or a JDK directory}; shift 2 ;;
    -h|--help) usage ;;
    *) echo "unknown argument: $1" >&2; usage ;;
  esac
done
REPO=$(cd "$(dirname "$0")/.." && pwd)
NAME=agent-heap
# shellcheck source=bench/target-jvm.sh
. "$REPO/bench/target-jvm.sh"
total_kb() { "$JCMD" "$TARGET_PID" GC.class_histogram | awk '/^Total/ { print int($3 / 1024) }'; }

cat >"$WORK/alloc.jfc" <<'JFC'
<?xml version="1.0" encoding="UTF-8"?>
<configuration version="2.0">
  <event name="jdk.ObjectAllocationInNewTLAB"><setting name="enabled">true</setting></event>
  <event name="jdk.ObjectAllocationOutsideTLAB"><setting name="enabled">true</setting></event>
</configuration>
JFC

start_target() { # $1 dir, $2 live MB
  mkdir -p "$1/out"
  (cd "$1" && exec "$JAVA" -Xms1g -Xmx1g "-Xlog:jfr=info:file=$1/jfr.log" \
      "-XX:StartFlightRecording=name=alloc,settings=$WORK/alloc.jfc" \
      "$REPO/bench/BenchTarget.java" "$1/ready" "$2") >"$1/target.out" 2>&1 &
  TARGET_PID=$!
  for _ in $(seq 1 900); do
    [ -s "$1/ready" ] && break
    kill -0 "$TARGET_PID" 2>/dev/null || break
    sleep 0.2
  done
  [ -s "$1/ready" ] || { log "the target did not start:"; cat "$1/target.out" >&2; exit 1; }
  sleep 3
}

jcmd_same_content() { # $1 dir, $2 heap dump or not
  local name=bench-jcmd
  "$JCMD" "$TARGET_PID" JFR.start name=$name duration=5s filename="$1/cpu.jfr" >/dev/null
  for c in "Thread.print -l" "GC.class_histogram -all" VM.system_properties VM.flags VM.command_line; do
    "$JCMD" "$TARGET_PID" $c >"$1/out/$(echo "$c" | cut -d' ' -f1).txt"
  done
  [ "$2" = dump ] && "$JCMD" "$TARGET_PID" GC.heap_dump "$1/out/heap.hprof" >/dev/null
  until grep -qF "Wrote recording \"$name\"" "$1/jfr.log" 2>/dev/null; do sleep 0.05; done
}

ROWS=$WORK/rows.txt
: >"$ROWS"
for service in small:30 large:300; do
  for kind in standard dump; do
    for tool in packet jcmd; do
      dir=$WORK/${service%%:*}-$kind-$tool
      start_target "$dir" "${service#*:}"
      before=$(total_kb)
      t0=$(now_ms)
      if [ "$tool" = packet ]; then
        args=(); [ "$kind" = dump ] && args=(--heap-dump)
        "$JAVA" -jar "$JAR" "$TARGET_PID" -q --output "$dir/out" "${args[@]}" >/dev/null 2>"$dir/cli.err" || true
      else
        jcmd_same_content "$dir" "$kind"
      fi
      t1=$(now_ms)
      after=$(total_kb)
      "$JCMD" "$TARGET_PID" JFR.dump name=alloc filename="$dir/alloc.jfr" >/dev/null
      read -r ours jdk largest < <("$JAVA" "$REPO/bench/HeapUseByTool.java" "$dir/alloc.jfr" "$t0" "$t1")
      printf '%-6s %-9s %-7s %11d %11d %10d %10d\n' "${service%%:*}" "$kind" "$tool" "$ours" "$jdk" "$largest" \
        $((after - before)) >>"$ROWS"
      stop_target
      log "$service $kind $tool done (load $(cut -d' ' -f1 /proc/loadavg))"
    done
  done
done
echo
echo "heap taken inside the target, KB; $("$JAVA" -version 2>&1 | head -1); load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-6s %-9s %-7s %11s %11s %10s %10s\n' service packet tool "ours alloc" "jdk alloc" "largest" retained
cat "$ROWS"
echo "ours: support-packet-* threads; jdk: Attach Listener and JFR threads (both tools); largest: one allocation"
echo "outside a TLAB; retained: heap in use after a full GC, after minus before (noise: a few hundred KB)"
