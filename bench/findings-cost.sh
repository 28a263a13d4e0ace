#!/usr/bin/env bash
# What the findings and the report page add to a packet of a typical service (bench/BenchTarget.java, 200 MB live
# heap, ~1 core busy): the analysis time the agent records in report.txt (model + rules + findings.json, inside the
# target), the page's time measured on the same packet in one JVM (cold = first run, warm = median of 10), the sizes
# of findings.json and README.html, and the packet's size. Targets: analysis + page <= 300 ms, growth <= 300 KB, page
# <= 1 MB. The load average is printed beside the figures: the build machine is shared.
#
#   bench/findings-cost.sh [RUNS]      (default 3; needs `mvn -B package -DskipTests`)
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"
RUNS="${1:-3}"
JAR="$REPO/attach-cli/target/attach.jar"
[ -f "$JAR" ] || { echo "build first: mvn -B package -DskipTests" >&2; exit 1; }
WORK="$(mktemp -d /var/tmp/findings-bench.XXXXXX)"
TARGET_PID=""
cleanup() {
  [ -n "$TARGET_PID" ] && kill "$TARGET_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

mkdir -p "$WORK/target" "$WORK/out"
(cd "$WORK/target" && exec java -Xms1g -Xmx1g "$REPO/bench/BenchTarget.java" "$WORK/target/ready" 200) \
  >"$WORK/target.out" 2>&1 &
TARGET_PID=$!
for _ in $(seq 1 900); do
  [ -s "$WORK/target/ready" ] && break
  kill -0 "$TARGET_PID" 2>/dev/null || { echo "the target died while starting" >&2; cat "$WORK/target.out" >&2; exit 1; }
  sleep 0.2
done
sleep 3
echo "target: bench/BenchTarget.java pid $TARGET_PID, 200 MB live heap; cores: $(nproc)"
for i in $(seq 1 "$RUNS"); do
  load=$(loadavg)
  packet=$(java -jar "$JAR" -q "$TARGET_PID" --duration 5 --output "$WORK/out")
  rm -rf "$WORK/x" && mkdir "$WORK/x" && unzip -q "$packet" -d "$WORK/x"
  analysis=$(grep -o 'analysis: .* in [0-9]* ms.*' "$WORK/x/report.txt" | sed 's/.* in //' || echo "? ms")
  findings=$(stat -c %s "$WORK/x/findings.json")
  page=$(stat -c %s "$WORK/x/README.html")
  total=$(stat -c %s "$packet")
  echo "run $i: analysis in the target $analysis; findings.json $findings B; README.html $page B; packet zip $total B; load $load"
  echo "  alarming findings: $(grep -c '"severity" : "\(warning\|critical\)"' "$WORK/x/findings.json" || true)"
done
echo "the last packet's analysis and page in one JVM (load $(loadavg)):"
java -cp "$JAR" "$REPO/bench/FindingsBench.java" "$packet" | sed 's/^/  /'
echo "the same in a fresh JVM that first ran the packet's warm-up, as a target's first packet does (load $(loadavg)):"
java -cp "$JAR" "$REPO/bench/FindingsBench.java" "$packet" --after-warm-up | head -1 | sed 's/^/  /'
