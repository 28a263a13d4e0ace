#!/usr/bin/env bash
# What the evidence of issue 14 (extra JFR events, 3 thread snapshots, 2 JVM readings) costs a busy CPU-bound
# target: bench/EvidenceOverhead.java runs the agent's collectors in-process on a JVM whose every core is busy, in
# rotating rounds of the 5-s window (nothing / CPU profile + one thread dump with locked monitors, the packet before
# issue 14 with the heap histogram aside / the packet's profile, threads and evidence collectors), and prints ops/s
# side by side, GC and safepoint time per window, the safepoints other than GC's by VM operation (the JVM's own
# -Xlog:safepoint), and the bytes the evidence adds to a packet. The load average is printed before and after: on a
# shared machine the figures are noisy.
# Usage: bench/evidence-overhead.sh [ROUNDS] (default 5); JAVA=/path/to/java picks the JDK. Build first:
# mvn -B -q -o package -DskipTests (only agent/target/classes and the agent's dependencies are used).
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-5}
JAVA=${JAVA:-java}
[ -d agent/target/classes ] || { echo "agent/target/classes missing: run mvn -B -q -o package -DskipTests" >&2; exit 2; }
CPFILE=$(mktemp)
SAFEPOINTS=$(mktemp)
trap 'rm -f "$CPFILE" "$SAFEPOINTS"' EXIT
mvn -B -q -o -pl agent dependency:build-classpath -Dmdep.outputFile="$CPFILE" -Dmdep.includeScope=runtime >/dev/null
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg), cores: $(nproc), java: $("$JAVA" -version 2>&1 | head -1)"
"$JAVA" -Xmx512m --add-opens java.management/sun.management=ALL-UNNAMED \
  -Xlog:safepoint=info:file="$SAFEPOINTS":uptimemillis -DsafepointLog="$SAFEPOINTS" \
  -cp "agent/target/classes:$(cat "$CPFILE")" bench/EvidenceOverhead.java "$ROUNDS"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
