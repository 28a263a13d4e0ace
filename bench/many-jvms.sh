#!/usr/bin/env bash
# Times packets of N JVMs at once (attach.jar --match, one bundle, --parallel) against N single packets taken one
# after the other, for N = 1, 3, 6, and prints the wall times side by side with the load of the machine.
#
#   [ATTACH_JAR=path] bench/many-jvms.sh [--counts "1 3 6"] [--duration S] [--parallel P]
#
# A report, not a test. Each measurement gets fresh JVMs (small idle ones, so that the targets themselves do not
# load the machine), so that both sides pay the first attach (loading the agent) alike; all are killed at the end.
set -euo pipefail

COUNTS="1 3 6"
DURATION=1
PARALLEL=4
while [ $# -gt 0 ]; do
  case "$1" in
    --counts) COUNTS=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --parallel) PARALLEL=$2; shift 2 ;;
    *) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
  esac
done
REPO=$(cd "$(dirname "$0")/.." && pwd)
JAR=${ATTACH_JAR:-$REPO/attach-cli/target/attach.jar}
[ -f "$JAR" ] || (cd "$REPO" && mvn -B -q -o package -DskipTests)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/many-jvms.XXXXXX")
PIDS=()
cleanup() {
  for p in "${PIDS[@]+"${PIDS[@]}"}"; do kill -9 "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
cat > "$WORK/Idle.java" <<'JAVA'
public class Idle {
  public static void main(String[] a) throws Exception {
    java.nio.file.Files.createFile(java.nio.file.Paths.get(a[0]));
    Thread.sleep(Long.MAX_VALUE);
  }
}
JAVA
javac -d "$WORK" "$WORK/Idle.java"
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
now() { date +%s.%N; }

# Starts N idle JVMs tagged with $1; their pids in STARTED.
start_jvms() {
  local tag=$1 n=$2 i
  STARTED=()
  for ((i = 0; i < n; i++)); do
    mkdir -p "$WORK/$tag-$i"
    (cd "$WORK/$tag-$i" && exec java -Xmx64m -Dbench.many="$tag" -cp "$WORK" Idle "$WORK/$tag-$i/ready") \
      > /dev/null 2>&1 &
    STARTED+=($!)
    PIDS+=($!)
  done
  for ((i = 0; i < n; i++)); do
    until [ -e "$WORK/$tag-$i/ready" ]; do sleep 0.1; done
  done
  sleep 1
}
stop_jvms() { for p in "$@"; do kill -9 "$p" 2>/dev/null || true; done; }

printf '%-4s %-14s %-16s %-14s %-14s %s\n' N "bundle_s" "sequential_s" "per_extra_s" "one_packet_s" "load(1/5/15)"
for n in $COUNTS; do
  out="$WORK/out-$n"; mkdir -p "$out/b" "$out/s"
  start_jvms "b$n-$RANDOM" "$n"; bundle_pids=("${STARTED[@]}")
  load=$(loadavg)
  t0=$(now)
  java -jar "$JAR" "${bundle_pids[@]}" --duration "$DURATION" --parallel "$PARALLEL" -q --output "$out/b" \
    > /dev/null 2>"$out/bundle.err" || echo "bundle of $n: exit $? ($(tail -1 "$out/bundle.err"))" >&2
  t1=$(now)
  stop_jvms "${bundle_pids[@]}"
  start_jvms "s$n-$RANDOM" "$n"; seq_pids=("${STARTED[@]}")
  t2=$(now)
  first=""
  for p in "${seq_pids[@]}"; do
    java -jar "$JAR" "$p" --duration "$DURATION" -q --output "$out/s" > /dev/null 2>>"$out/seq.err" \
      || echo "packet of $p: exit $?" >&2
    [ -n "$first" ] || first=$(now)
  done
  t3=$(now)
  stop_jvms "${seq_pids[@]}"
  bundle=$(echo "$t1 - $t0" | bc -l)
  seq=$(echo "$t3 - $t2" | bc -l)
  one=$(echo "$first - $t2" | bc -l)
  extra=$(if [ "$n" -gt 1 ]; then echo "($bundle - $one) / ($n - 1)" | bc -l; else echo 0; fi)
  printf '%-4s %-14.2f %-16.2f %-14.2f %-14.2f %s\n' "$n" "$bundle" "$seq" "$extra" "$one" "$load"
done
echo "bundle_s: attach.jar <N pids> --parallel $PARALLEL (one zip); sequential_s: N runs of attach.jar <pid>;" \
  "one_packet_s: the first of those; per_extra_s: (bundle - one packet) / (N - 1). Profile $DURATION s each."
