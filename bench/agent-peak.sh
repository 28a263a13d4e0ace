#!/usr/bin/env bash
# The most heap the packet holds at once inside the target, against jcmd gathering the same content (JFR.start first,
# the other commands overlapped): an upper bound read off the target's own GC log. The target keeps LIVE MB live and
# makes short-lived garbage (about 50 MB/s) in a 16 MB young generation, so that a young collection runs every few
# hundred ms; the heap in use after each one is the live set plus whatever else survived it. The rise of that figure
# during a tool's window, over its level in the seconds before, bounds what the tool held at those moments (an upper
# bound: what survived a young collection and died later still counts until an old collection; an object held and
# dropped between two young collections, a few hundred ms apart, is not seen).
#
#   bench/agent-peak.sh [--jdk 17|25|/path/to/jdk] [--rounds N] [--live-mb MB]
#
# A report, not a test. Each round starts a fresh target per tool (first packet into that JVM: agent and JFR cold)
# and kills it; "none" is 8 s of the same target with no tool, the rise that the target's own garbage makes (some
# survives young collections until the next old one). The load average is printed with the figures.
set -euo pipefail

usage() { sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
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
[[ "$LIVE_MB" =~ ^[1-9][0-9]*$ ]] || { echo "--live-mb must be a positive number, got: $LIVE_MB" >&2; exit 2; }
REPO=$(cd "$(dirname "$0")/.." && pwd)
NAME=agent-peak
# shellcheck source=bench/target-jvm.sh
. "$REPO/bench/target-jvm.sh"

cat >"$WORK/PeakTarget.java" <<'JAVA'
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Paths;

/** LIVE MB kept live, and about 50 MB/s of garbage that dies at once. */
public class PeakTarget {
  static byte[][] live;
  static volatile Object sink;

  public static void main(String[] args) throws Exception {
    // 256 KB pieces: a 1 MB array would be humongous in G1's 1 MB regions and take two of them.
    live = new byte[Integer.parseInt(args[1]) * 4][];
    for (int i = 0; i < live.length; i++) {
      live[i] = new byte[256 << 10];
    }
    Thread churn = new Thread(() -> {
      while (true) {
        for (int i = 0; i < 16; i++) {
          sink = new byte[64 << 10];
        }
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "churn");
    churn.start();
    // The JVM's start in epoch ms: the GC log's times are milliseconds of uptime.
    Files.writeString(Paths.get(args[0]), Long.toString(ManagementFactory.getRuntimeMXBean().getStartTime()));
    churn.join();
  }
}
JAVA
"${JAVA%/java}/javac" -d "$WORK" "$WORK/PeakTarget.java"

start_target() { # $1 dir
  mkdir -p "$1/out"
  (cd "$1" && exec "$JAVA" -Xms256m -Xmx256m -Xmn16m "-Xlog:gc:file=$1/gc.log:uptimemillis" \
      "-Xlog:jfr=info:file=$1/jfr.log" -cp "$WORK" PeakTarget "$1/ready" "$LIVE_MB") >"$1/target.out" 2>&1 &
  TARGET_PID=$!
  for _ in $(seq 1 300); do
    [ -s "$1/ready" ] && break
    kill -0 "$TARGET_PID" 2>/dev/null || break
    sleep 0.1
  done
  [ -s "$1/ready" ] || { log "the target did not start:"; cat "$1/target.out" >&2; exit 1; }
  # A full collection first: the retained figure is the heap after one afterwards, against this one.
  "$JCMD" "$TARGET_PID" GC.run >/dev/null
  sleep 4
}

# Heap in use after the last full collection in the log, MB.
after_full() { # $1 gc.log
  awk '/Pause Full/ && match($0, /[0-9]+M->[0-9]+M/) { split(substr($0, RSTART, RLENGTH), m, "->"); a = m[2] }
    END { print a + 0 }' "$1"
}

jcmd_same_content() { # $1 dir
  local name=bench-jcmd
  "$JCMD" "$TARGET_PID" JFR.start name=$name duration=5s filename="$1/cpu.jfr" >/dev/null
  for c in "Thread.print -l" "GC.class_histogram -all" VM.system_properties VM.flags VM.command_line; do
    "$JCMD" "$TARGET_PID" $c >"$1/out/$(echo "$c" | cut -d' ' -f1).txt"
  done
  until grep -qF "Wrote recording \"$name\"" "$1/jfr.log" 2>/dev/null; do sleep 0.05; done
}

# Heap in use after the young collections of a window, in MB: "max median count" over [from, to) ms of uptime.
after_gc() { # $1 gc.log, $2 from, $3 to
  local values
  values=$(awk -v from="$2" -v to="$3" '
    /Pause Young/ && match($0, /[0-9]+M->[0-9]+M/) {
      t = substr($1, 2) + 0; split(substr($0, RSTART, RLENGTH), m, "->")
      if (t >= from && t < to) print m[2] + 0
    }' "$1" | sort -n)
  if [ -z "$values" ]; then echo "0 0 0"; return; fi
  local n
  n=$(echo "$values" | wc -l)
  echo "$(echo "$values" | tail -1) $(echo "$values" | sed -n "$(((n + 1) / 2))p") $n"
}

ROWS=$WORK/rows.txt
: >"$ROWS"
log "$("$JAVA" -version 2>&1 | head -1); $ROUNDS rounds; $LIVE_MB MB live; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq 1 "$ROUNDS"); do
  for tool in none packet jcmd; do
    dir=$WORK/$tool-$round
    start_target "$dir"
    start=$(cat "$dir/ready")
    full_before=$(after_full "$dir/gc.log")
    t0=$(now_ms)
    if [ "$tool" = none ]; then
      sleep 8
    elif [ "$tool" = packet ]; then
      "$JAVA" -jar "$JAR" "$TARGET_PID" -q --output "$dir/out" >/dev/null 2>"$dir/cli.err" || true
    else
      jcmd_same_content "$dir"
    fi
    t1=$(now_ms)
    sleep 1
    "$JCMD" "$TARGET_PID" GC.run >/dev/null
    sleep 0.5
    read -r base_max base_med base_n < <(after_gc "$dir/gc.log" $((t0 - start - 3000)) $((t0 - start)))
    read -r win_max _ win_n < <(after_gc "$dir/gc.log" $((t0 - start)) $((t1 - start + 500)))
    retained=$(($(after_full "$dir/gc.log") - full_before))
    printf '%-7s %5d %9.1f %10s %10s %8d %12s %10d   %s\n' "$tool" "$round" "$(((t1 - t0) / 100))e-1" "$base_med" \
      "$win_max" "$win_n" "$((win_max - base_med))" "$retained" "$(cut -d' ' -f1-3 /proc/loadavg)" \
      >>"$ROWS"
    stop_target
    log "round $round $tool done"
  done
done
echo
echo "heap in use after young collections, MB; $("$JAVA" -version 2>&1 | head -1); $LIVE_MB MB live, -Xmx256m -Xmn16m"
printf '%-7s %5s %9s %10s %10s %8s %12s %10s   %s\n' tool round window_s "before md" "window max" "young GCs" \
  "rise (peak)" "retained" load
cat "$ROWS"
echo "before md: median after the young collections of the 3 s before the tool; window max: the highest after one"
echo "during the tool's window (+0.5 s); rise = window max - before md, an upper bound of what the tool held at those"
echo "moments (its own and the JDK's objects: JFR's Java side, the attach listener). retained: heap after a full GC"
echo "once the tool is done minus after one before it (what stays: classes' statics, caches; 1 MB resolution)."
