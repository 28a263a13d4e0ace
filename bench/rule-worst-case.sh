#!/usr/bin/env bash
# Worst case of each built-in sanitizer rule: CPU time on its adversarial line (RuleLinearityTest's, built to make
# the rule's regex backtrack or rescan) at 256 KB, 512 KB and 1 MB (the longest line the filter hands a rule), and
# how many chars the regex reads per char of the line. Linear: the time doubles with the line and reads/char stays
# small; a quadratic rule would read ~the line's length per char (hours on 1 MB). Needs a JDK and mvn.
#
#   bench/rule-worst-case.sh     (extra mvn flags via MVN_ARGS, e.g. MVN_ARGS=-o)
set -euo pipefail
cd "$(dirname "$0")/.."
cp_file="$(mktemp /tmp/rule-worst-case-cp.XXXXXX)"
trap 'rm -f "$cp_file"' EXIT

mvn -B -q ${MVN_ARGS:-} -pl agent -am test-compile
mvn -B -q ${MVN_ARGS:-} -pl agent dependency:build-classpath -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=test
cp="agent/target/test-classes:agent/target/classes:$(cat "$cp_file")"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)   cores: $(nproc)"
java -Xmx512m -cp "$cp" dev.supportpacket.agent.sanitize.RuleWorstCase
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
