#!/usr/bin/env bash
# Throughput of the sanitizer's streaming text filter on one core, on a realistic ~200 MB service log with a few
# secrets sprinkled in. Target: >= 100 MB/s on one core; printed beside the figure. Runnable from a fresh clone; needs
# a JDK 11+ and mvn. CPU time is robust against other work on the machine, but not immune: the load is printed too.
#
#   bench/sanitizer-throughput.sh [SIZE_MB]     (default 200; extra mvn flags via MVN_ARGS, e.g. MVN_ARGS=-o;
#                                               rounds via ROUNDS, default 7)
set -euo pipefail
cd "$(dirname "$0")/.."
size_mb="${1:-200}"
log="/tmp/sanitizer-bench-${size_mb}mb.log"
cp_file="$(mktemp /tmp/sanitizer-bench-cp.XXXXXX)"
trap 'rm -f "$cp_file"' EXIT

mvn -B -q ${MVN_ARGS:-} -pl agent -am test-compile
mvn -B -q ${MVN_ARGS:-} -pl agent dependency:build-classpath -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=test
cp="agent/target/test-classes:agent/target/classes:$(cat "$cp_file")"
main=dev.supportpacket.agent.sanitize.bench.SanitizerThroughput

if [[ ! -s "$log" ]]; then
  java -cp "$cp" "$main" generate "$log" "$size_mb"
fi

# The filter runs on one thread (JIT and GC threads are the JVM's own business, as in the target).
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)   cores: $(nproc)"
java -Xmx512m -cp "$cp" "$main" run "$log" "${ROUNDS:-7}"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
