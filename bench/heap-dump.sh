#!/usr/bin/env bash
# Sanitized heap dump (attach.jar --heap-dump) versus `jcmd <pid> GC.heap_dump -gz=1` of the same JVM in the same
# run, on a ~1 GB live heap (half long[] numbers that do not compress, half small Strings in lists). Both dump live objects
# (a full GC first). Target: ours >= 0.8 x jcmd's speed. Prints both, the ratio, and the load average (the build
# machine is shared: figures move with it).
#
#   bench/heap-dump.sh [LIVE_MB]      (default 1000; needs `mvn -B package -DskipTests` and the it-tests classes:
#                                      `mvn -B verify -Dtest=none -Dit.test=none -Dsurefire.failIfNoSpecifiedTests=false
#                                       -Dfailsafe.failIfNoSpecifiedTests=false`)
set -euo pipefail
cd "$(dirname "$0")/.."
live_mb="${1:-1000}"
work="$(mktemp -d /var/tmp/heap-bench.XXXXXX)"
fifo="$work/out"
mkfifo "$fifo"
app_pid=""
cleanup() {
  [[ -n "$app_pid" ]] && kill "$app_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

java -Xmx$((live_mb * 2 + 512))m -XX:+UseParallelGC -cp it-tests/target/test-classes \
  dev.supportpacket.it.apps.HeapSecretsApp "PLANTED-bench" "$live_mb" > "$fifo" 2>&1 &
app_pid=$!
read -r line < "$fifo"   # "ready" once the heap is built
[[ "$line" == "ready" ]] || { echo "target did not start: $line" >&2; exit 1; }
cat "$fifo" > /dev/null &

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)   cores: $(nproc)"
used_kb=$(jcmd "$app_pid" GC.heap_info | grep -E 'Gen +total' | grep -Eo 'used [0-9]+K' | grep -Eo '[0-9]+' \
  | awk '{s += $1} END {print s}')
echo "heap in use: $((used_kb / 1024)) MB"

# jcmd first: its full GC leaves the same live heap for ours.
t0=$(date +%s.%N)
jcmd "$app_pid" GC.heap_dump -gz=1 "$work/jcmd.hprof.gz" > /dev/null
t1=$(date +%s.%N)
jcmd_s=$(echo "$t1 - $t0" | bc)
jcmd_mb=$(( $(stat -c %s "$work/jcmd.hprof.gz") / 1048576 ))

mkdir "$work/packet"
t0=$(date +%s.%N)
# Exit 1 (a partial packet) is expected here: the target's stdout is a pipe, so no log file is found.
rc=0
packet=$(java -jar attach-cli/target/attach.jar -q "$app_pid" --duration 1 --heap-dump --output "$work/packet") || rc=$?
t1=$(date +%s.%N)
cli_s=$(echo "$t1 - $t0" | bc)
[[ $rc -le 1 && -f "$packet" ]] || { echo "attach.jar failed (exit $rc)" >&2; exit 1; }
unzip -q -o "$packet" report.txt heap/heap.hprof.gz -d "$work/x"
ours_ms=$(awk '$1 == "heap-dump" && $2 == "ok" {print $3}' "$work/x/report.txt")
[[ -n "$ours_ms" ]] || { echo "the heap dump is not in the packet:" >&2; cat "$work/x/report.txt" >&2; exit 1; }
ours_s=$(echo "scale=2; $ours_ms / 1000" | bc)
ours_mb=$(( $(stat -c %s "$work/x/heap/heap.hprof.gz") / 1048576 ))
pause=$(grep -Eo 'for [0-9]+ ms while it was written' "$work/x/report.txt" | grep -Eo '[0-9]+')
raw_mb=$(grep -Eo 'heap dump of [0-9]+ MB' "$work/x/report.txt" | grep -Eo '[0-9]+')
echo "raw dump (uncompressed HPROF): $raw_mb MB"

printf '%-44s %8s s %8s MB\n' "jcmd GC.heap_dump -gz=1 (wall)" "$jcmd_s" "$jcmd_mb"
printf '%-44s %8s s %8s MB   (pause %s ms)\n' "support-packet heap-dump collector (dump+scrub+gzip)" "$ours_s" "$ours_mb" "$pause"
printf '%-44s %8s s\n' "attach.jar --heap-dump --duration 1 (wall)" "$cli_s"
echo "speed ratio (jcmd time / ours): $(echo "scale=2; $jcmd_s / $ours_s" | bc)   target >= 0.8"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
