#!/usr/bin/env bash
# Times the whole support packet against the same content gathered by hand with jcmd, on one running JVM, and
# prints min / median / max wall time, the safepoint pause each adds to the target and the targets of issue 3.
# Row (f) is the floor of a sanitized packet: the overlapped jcmd row plus what any tool that sanitizes the recording
# must still do after JFR's stop, done by the JDK alone (bench/JfrTailReader.java says what and why).
#
#   bench/packet-vs-jcmd.sh [--jdk 17|25|/path/to/jdk] [--runs N] [--heap-mb MB]
#
# A report, not a test: it exits 0 whether the targets are met or not, non-zero only when the script itself breaks.
# It builds attach.jar if it is missing, starts bench/BenchTarget.java (source launch: nothing ships in the product)
# and kills it at the end whatever happens.
set -euo pipefail

usage() {
  sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
}

JDK=17
RUNS=5
HEAP_MB=300
while [ $# -gt 0 ]; do
  case "$1" in
    --jdk) JDK=${2:?--jdk needs 17, 25 or a JDK directory}; shift 2 ;;
    --runs) RUNS=${2:?--runs needs a number}; shift 2 ;;
    --heap-mb) HEAP_MB=${2:?--heap-mb needs a number}; shift 2 ;;
    -h|--help) usage ;;
    *) echo "unknown argument: $1" >&2; usage ;;
  esac
done
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || { echo "--runs must be a positive number, got: $RUNS" >&2; exit 2; }

REPO=$(cd "$(dirname "$0")/.." && pwd)
JAR=$REPO/attach-cli/target/attach.jar
PROFILE_S=5      # the packet's default profile and the JFR.start duration of the jcmd runs
GAP_S=2          # quiet time before each timed run, so one run's after-effects do not land in the next window
IDLE_S=6         # length of each idle window (no tool attached) that measures the target's own safepoints

case "$JDK" in
  17) JAVA_HOME_BENCH=$(ls -d /usr/lib/jvm/java-17-openjdk-amd64 /usr/lib/jvm/*17* 2>/dev/null | head -1) ;;
  25) JAVA_HOME_BENCH=$(ls -d /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*25* 2>/dev/null | head -1) ;;
  *) JAVA_HOME_BENCH=$JDK ;;
esac
JAVA=${JAVA_HOME_BENCH:-}/bin/java
JCMD=${JAVA_HOME_BENCH:-}/bin/jcmd
[ -x "$JAVA" ] && [ -x "$JCMD" ] || { echo "no JDK with java and jcmd found for --jdk $JDK" >&2; exit 2; }

# ---------------------------------------------------------------------------------------------------------------
# Temp files and the target: removed and killed on every way out.
WORK=$(mktemp -d "${TMPDIR:-/tmp}/packet-vs-jcmd.XXXXXX")
TARGET_PID=
READER_PID=
cleanup() {
  local rc=$?
  if [ -n "$READER_PID" ]; then kill "$READER_PID" 2>/dev/null || true; fi
  if [ -n "$TARGET_PID" ] && kill -0 "$TARGET_PID" 2>/dev/null; then
    kill "$TARGET_PID" 2>/dev/null || true
    for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$TARGET_PID" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$TARGET_PID" 2>/dev/null || true
    wait "$TARGET_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

log() { echo "$*" >&2; }
now_ms() { local us=${EPOCHREALTIME//[.,]/}; echo $((us / 1000)); }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

if [ ! -f "$JAR" ]; then
  log "attach.jar missing: building it (mvn -B -q package -DskipTests) ..."
  (cd "$REPO" && mvn -B -q package -DskipTests) >&2
fi

# ---------------------------------------------------------------------------------------------------------------
# The target: safepoints and JFR's own "Wrote recording" lines go to logs with wall-clock milliseconds, so that both
# can be matched against the time windows of the runs.
SAFEPOINT_LOG=$WORK/safepoint.log
JFR_LOG=$WORK/jfr.log
mkdir -p "$WORK/target" "$WORK/out"
LOAD_BEFORE=$(loadavg)
log "starting the target on $("$JAVA" -version 2>&1 | head -1) with ${HEAP_MB} MB of live heap ..."
(cd "$WORK/target" && exec "$JAVA" -Xms1g -Xmx1g \
    "-Xlog:safepoint:file=$SAFEPOINT_LOG:timemillis" "-Xlog:jfr=info:file=$JFR_LOG:timemillis" \
    "$REPO/bench/BenchTarget.java" "$WORK/target/ready" "$HEAP_MB") >"$WORK/target.out" 2>&1 &
TARGET_PID=$!
for _ in $(seq 1 900); do
  [ -s "$WORK/target/ready" ] && break
  kill -0 "$TARGET_PID" 2>/dev/null || { log "the target died while starting:"; cat "$WORK/target.out" >&2; exit 1; }
  sleep 0.2
done
[ -s "$WORK/target/ready" ] || { log "the target did not get ready in 180 s"; exit 1; }
sleep 3 # let the JIT and the first young GCs settle
log "target pid $TARGET_PID ready: $(cat "$WORK/target/ready")"

# The floor's reader: a JVM of the same JDK, started now and warmed up in the cold round, that reads with JFR's own
# parser what a recording holds beyond a dump (bench/JfrTailReader.java).
coproc READER { exec "$JAVA" "$REPO/bench/JfrTailReader.java" 2>"$WORK/reader.err"; }
READER_PID=$READER_PID
READER_IN=${READER[1]}
READER_OUT=${READER[0]}
ask_reader() { # one command, one answer line
  echo "$*" >&"$READER_IN"
  local answer
  IFS= read -r -t 60 -u "$READER_OUT" answer || { log "the floor's reader did not answer: $(cat "$WORK/reader.err")"; return 1; }
  case "$answer" in error*) log "the floor's reader failed: $answer"; return 1 ;; esac
  echo "$answer"
}

# ---------------------------------------------------------------------------------------------------------------
# The methods. Each returns non-zero when its tool failed; the loop then counts the run as failed.
RESULTS=$WORK/results.tsv   # method  run  start_ms  end_ms  bytes
STEPS=$WORK/steps.tsv       # method  run  step  ms
: >"$RESULTS"
: >"$STEPS"

# jcmd <command...> into a file, timed as one step.
jcmd_step() {
  local method=$1 run=$2 file=$3
  shift 3
  local t0
  t0=$(now_ms)
  "$JCMD" "$TARGET_PID" "$@" >"$file" 2>&1 || { log "jcmd $* failed: $(tail -2 "$file")"; return 1; }
  # the step as typed, without the run-specific recording name and file
  printf '%s\t%s\t%s\t%s\n' "$method" "$run" "$(echo "$*" | sed 's/ name=[^ ]*//; s/ filename=[^ ]*/ filename=FILE/')" \
    $(($(now_ms) - t0)) >>"$STEPS"
}

# Waits until the target's JFR log says the named recording was written: the exact moment it is complete, with no
# polling through jcmd (a human would be slower than this).
# A file, when given, must be the one written: a dump of the same recording is logged under its name too.
wait_recording() {
  local name=$1 file=${2:-} deadline=$(($(now_ms) + 60000))
  until grep -F "Wrote recording \"$name\"" "$JFR_LOG" 2>/dev/null | grep -qF "$file"; do
    [ "$(now_ms)" -lt "$deadline" ] || { log "recording $name was not written within 60 s"; return 1; }
    sleep 0.02
  done
}

INCOMPLETE=$WORK/incomplete.txt # one line per packet written but incomplete (exit 1): what warning.txt says
: >"$INCOMPLETE"
run_packet() { # (a): the whole packet. Exit 1 (written, incomplete) is timed too, and reported below the table.
  local dir=$1 out rc=0
  out=$("$JAVA" -jar "$JAR" "$TARGET_PID" -q --output "$dir" 2>"$dir/stderr") || rc=$?
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; then log "attach.jar failed (exit $rc): $(cat "$dir/stderr")"; return 1; fi
  [ -f "$out" ] || { log "attach.jar printed no packet path: $out"; return 1; }
  echo "$out" >"$dir/path"
  if [ "$rc" -eq 1 ]; then unzip -p "$out" warning.txt | grep '^- ' | cut -c1-150 >>"$INCOMPLETE" || true; fi
}

run_cli_start() { "$JAVA" -jar "$JAR" --help >/dev/null; } # the CLI's own JVM start, for the breakdown

jcmd_rest() { # the five non-JFR commands, one after another
  local method=$1 run=$2 dir=$3 histogram=$4
  jcmd_step "$method" "$run" "$dir/threads.txt" Thread.print -l &&
    jcmd_step "$method" "$run" "$dir/histogram.txt" GC.class_histogram $histogram &&
    jcmd_step "$method" "$run" "$dir/system-properties.txt" VM.system_properties &&
    jcmd_step "$method" "$run" "$dir/flags.txt" VM.flags &&
    jcmd_step "$method" "$run" "$dir/command-line.txt" VM.command_line
}

run_jcmd_sequential() { # (b): typed one after another, the recording last, then wait for it to be written
  local method=$1 run=$2 dir=$3 histogram=$4 name="bench-$1-$2"
  jcmd_rest "$method" "$run" "$dir" "$histogram" &&
    jcmd_step "$method" "$run" "$dir/jfr-start.txt" JFR.start name="$name" duration=${PROFILE_S}s filename="$dir/cpu.jfr" &&
    wait_recording "$name"
}

run_jcmd_overlapped() { # (c): the recording first, the rest while it runs, then wait for it to be written
  local method=$1 run=$2 dir=$3 histogram=$4 name="bench-$1-$2"
  jcmd_step "$method" "$run" "$dir/jfr-start.txt" JFR.start name="$name" duration=${PROFILE_S}s filename="$dir/cpu.jfr" &&
    jcmd_rest "$method" "$run" "$dir" "$histogram" &&
    wait_recording "$name"
}

FLOOR=$WORK/floor.tsv # run  reader_ms  events  dump_lead_ms  after_stop_ms
: >"$FLOOR"
jfr_log_ms() { # the epoch ms of the target's last JFR log line that holds both fixed strings; empty when none
  grep -F "$1" "$JFR_LOG" 2>/dev/null | grep -F "${2:-}" | tail -1 | sed -n 's/^\[\([0-9]*\)ms\].*/\1/p'
}
run_floor() { # (f): (c), plus a dump 1 s before the end as the packet takes, and the JDK's parser over what follows it
  local method=$1 run=$2 dir=$3 name="bench-$1-$2" started now dumped stopped answer
  jcmd_step "$method" "$run" "$dir/jfr-start.txt" JFR.start name="$name" duration=${PROFILE_S}s filename="$dir/cpu.jfr" &&
    jcmd_rest "$method" "$run" "$dir" "" || return 1
  started=$(jfr_log_ms "Started recording \"$name\"")
  [ -n "$started" ] || { log "no start of $name in the JFR log"; return 1; }
  # jcmd's own JVM start takes about 0.2 s before the dump happens: asked that much before the last second.
  now=$(now_ms)
  local at=$((started + (PROFILE_S - 1) * 1000 - 200))
  [ "$now" -lt "$at" ] && sleep "$(awk -v ms=$((at - now)) 'BEGIN { printf "%.3f", ms / 1000 }')"
  dumped=$(now_ms)
  "$JCMD" "$TARGET_PID" JFR.dump name="$name" filename="$dir/part.jfr" >"$dir/jfr-dump.txt" 2>&1 ||
    { log "jcmd JFR.dump failed: $(tail -2 "$dir/jfr-dump.txt")"; return 1; }
  # When the dump rotated the chunk, by JFR's log where it says (the dump's copy stops "Dumped by user"), else the
  # middle of the jcmd call.
  local logged
  logged=$(jfr_log_ms "\"$name\"" "Dumped by user")
  dumped=${logged:-$(( ($(now_ms) + dumped) / 2 ))}
  wait_recording "$name" "$dir/cpu.jfr" || return 1
  local written
  written=$(now_ms)
  cmp -s -n "$(stat -c %s "$dir/part.jfr")" "$dir/part.jfr" "$dir/cpu.jfr" ||
    { log "the recording of $name does not begin with its dump: the floor cannot read on from it"; return 1; }
  answer=$(ask_reader tail "$dir/cpu.jfr" "$(stat -c %s "$dir/part.jfr")") || return 1
  stopped=$(jfr_log_ms "Stopped recording \"$name\"")
  # The row ends when the JDK's read would have ended had it begun the instant the recording was seen written: the
  # script's own checks and its pipe to the reader are not a cost a tool must pay.
  local end=$((written + ${answer%% *}))
  echo "$end" >"$dir/end_ms"
  printf '%s\t%s\t%s\t%s\t%s\n' "$run" ${answer} $((started + PROFILE_S * 1000 - dumped)) $((end - stopped)) >>"$FLOOR"
  # the reader's warm-up, on this recording, in the cold round only (which the figures leave out)
  if [ "$run" -eq 0 ]; then ask_reader warm "$dir/cpu.jfr" >/dev/null || return 1; fi
}

run_idle() { sleep "$IDLE_S"; }

# method id -> what it runs
run_method() {
  local method=$1 run=$2 dir=$3
  case "$method" in
    packet) run_packet "$dir" ;;
    seq) run_jcmd_sequential "$method" "$run" "$dir" "" ;;
    seq-all) run_jcmd_sequential "$method" "$run" "$dir" "-all" ;;
    ovl) run_jcmd_overlapped "$method" "$run" "$dir" "" ;;
    ovl-all) run_jcmd_overlapped "$method" "$run" "$dir" "-all" ;;
    floor) run_floor "$method" "$run" "$dir" ;;
    idle) run_idle ;;
    cli-start) run_cli_start ;;
  esac
}

output_bytes() {
  local method=$1 dir=$2
  case "$method" in
    packet) stat -c %s "$(cat "$dir/path")" ;;
    idle|cli-start) echo 0 ;;
    *) du -sb "$dir" | cut -f1 ;;
  esac
}

METHODS=(packet seq seq-all ovl ovl-all floor idle cli-start)
LOADS=$WORK/loads.txt
: >"$LOADS"
FAILED=0
# Round 0 is the cold round (the first attach of each tool into this JVM: agent jar loaded, Attach Listener
# started); it is reported apart and left out of the statistics. Rounds rotate the order, so that drift in the
# machine's load does not always hit the same method.
for run in $(seq 0 "$RUNS"); do
  loadavg >>"$LOADS"
  n=${#METHODS[@]}
  for k in $(seq 0 $((n - 1))); do
    method=${METHODS[$(((k + run) % n))]}
    dir=$WORK/out/$method-$run
    mkdir -p "$dir"
    sleep "$GAP_S"
    kill -0 "$TARGET_PID" 2>/dev/null || { log "the target died during the benchmark:"; tail "$WORK/target.out" >&2; exit 1; }
    t0=$(now_ms)
    if run_method "$method" "$run" "$dir"; then
      t1=$(now_ms)
      if [ -f "$dir/end_ms" ]; then t1=$(cat "$dir/end_ms"); fi # the floor: its end without the script's own steps
      printf '%s\t%s\t%s\t%s\t%s\n' "$method" "$run" "$t0" "$t1" "$(output_bytes "$method" "$dir")" >>"$RESULTS"
      log "$(printf 'run %d/%d  %-8s %6.2f s' "$run" "$RUNS" "$method" "$(echo "$t0 $t1" | awk '{print ($2-$1)/1000}')")"
    else
      FAILED=$((FAILED + 1))
      log "run $run/$RUNS  $method FAILED (left out of the figures)"
    fi
  done
done
loadavg >>"$LOADS"
LAST_PACKET=$(cat "$WORK/out/packet-$RUNS/path" 2>/dev/null || true)
sleep 1 # the last safepoint lines reach the log

# ---------------------------------------------------------------------------------------------------------------
# Figures. Safepoint time of a run = sum of "Total" of the safepoints logged inside its window; pause added = that
# minus the idle rate (safepoint ms per second in the idle windows) times the window's length.
awk -F'\t' -v runs="$RUNS" -v jdk="$("$JAVA" -version 2>&1 | head -1)" -v cores="$(nproc)" \
    -v cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')" \
    -v load_before="$LOAD_BEFORE" -v loads="$(tr '\n' ';' <"$LOADS")" -v failed="$FAILED" \
    -v date="$(date -u +%Y-%m-%dT%H:%MZ)" -v ready="$(cat "$WORK/target/ready")" -v heap="$HEAP_MB" -v profile="$PROFILE_S" \
    -v steps_file="$STEPS" -v floorfile="$FLOOR" -v results="$RESULTS" -v safepoints="$SAFEPOINT_LOG" -v jfrlog="$JFR_LOG" '
function median(arr, n,   i, j, t, s) { # sorts a copy
  for (i = 1; i <= n; i++) s[i] = arr[i]
  for (i = 2; i <= n; i++) { t = s[i]; for (j = i - 1; j >= 1 && s[j] > t; j--) s[j + 1] = s[j]; s[j + 1] = t }
  return n % 2 ? s[(n + 1) / 2] : (s[n / 2] + s[n / 2 + 1]) / 2
}
function minof(arr, n,   i, m) { m = arr[1]; for (i = 2; i <= n; i++) if (arr[i] < m) m = arr[i]; return m }
function maxof(arr, n,   i, m) { m = arr[1]; for (i = 2; i <= n; i++) if (arr[i] > m) m = arr[i]; return m }
function verdict(ok) { return ok ? "PASS" : "MISS" }
FILENAME == results {
  w++; wm[w] = $1; wr[w] = $2; w0[w] = $3; w1[w] = $4; wb[w] = $5; next
}
FILENAME == safepoints { # safepoint log: [<epoch ms>ms] Safepoint "<op>", ..., Total: <ns> ns, ...
  if (!match($0, /^\[[0-9]+ms\]/)) next
  t = substr($0, 2, RLENGTH - 4) + 0
  if (!match($0, /Total: [0-9]+ ns/)) next
  ns = substr($0, RSTART + 7, RLENGTH - 10) + 0
  at = match($0, /At safepoint: [0-9]+ ns/) ? substr($0, RSTART + 14, RLENGTH - 17) + 0 : ns
  op = $0; sub(/^[^"]*"/, "", op); sub(/".*/, "", op)
  for (i = 1; i <= w; i++) if (t >= w0[i] && t <= w1[i]) { sp[i] += ns / 1e6; spat[i] += at / 1e6; if (wr[i] > 0) opms[wm[i], op] += ns / 1e6 }
  next
}
FILENAME == floorfile { # the steps of the floor after the stop of its recording
  if ($1 == 0) next
  nf++; fread[nf] = $2; fevents[nf] = $3; flead[nf] = $4 / 1000; fpost[nf] = $5 / 1000; next
}
FILENAME == jfrlog && /recording "support-packet"/ { # when the one recording of a packet (profile and events) started and stopped
  match($0, /^\[[0-9]+ms\]/); t = substr($0, 2, RLENGTH - 4) + 0
  if ($0 ~ /Started recording/) jstart[++njs] = t
  if ($0 ~ /Stopped recording/) jstop[++njp] = t
  next
}
END {
  # idle rate from the warm idle windows
  for (i = 1; i <= w; i++) if (wm[i] == "idle" && wr[i] > 0) { idle_ms += sp[i]; idle_at += spat[i]; idle_s += (w1[i] - w0[i]) / 1000 }
  rate = idle_s > 0 ? idle_ms / idle_s : 0
  rate_at = idle_s > 0 ? idle_at / idle_s : 0
  split("packet seq seq-all ovl ovl-all floor idle", order, " ")
  label["packet"] = "(a) packet: java -jar attach.jar <pid> -q"
  label["seq"] = "(b) jcmd one after another"
  label["seq-all"] = "(b) same, GC.class_histogram -all"
  label["ovl"] = "(c) jcmd, JFR first, rest overlapped"
  label["ovl-all"] = "(c) same, GC.class_histogram -all"
  label["floor"] = "(f) floor: (c) + dump 1 s ahead, JFR parses rest"
  for (i = 1; i <= w; i++) {
    m = wm[i]; len = (w1[i] - w0[i]) / 1000
    if (wr[i] == 0) { cold[m] = len; continue }
    n[m]++; wall[m, n[m]] = len; added[m, n[m]] = sp[i] - rate * len; addat[m, n[m]] = spat[i] - rate_at * len; bytes[m, n[m]] = wb[i]
  }
  for (k = 1; k <= 6; k++) {
    m = order[k]
    for (j = 1; j <= n[m]; j++) { a[j] = wall[m, j]; p[j] = added[m, j]; q[j] = addat[m, j]; b[j] = bytes[m, j] }
    med[m] = median(a, n[m]); pmed[m] = median(p, n[m]); pmax[m] = maxof(p, n[m])
    row[m] = sprintf("| %-42s | %4d | %6.2f | %6.2f | %6.2f | %7.2f | %8.0f | %8.0f | %8.0f | %8.2f |", label[m], n[m],
        minof(a, n[m]), med[m], maxof(a, n[m]), cold[m], pmed[m], pmax[m], median(q, n[m]), median(b, n[m]) / 1048576)
    delete a; delete p; delete q; delete b
  }
  printf "\n## packet vs jcmd, %s UTC\n\n", date
  printf "JDK:     %s\nmachine: %d cores, %s\n", jdk, cores, cpu
  printf "target:  bench/BenchTarget.java, %d MB live heap (%s), -Xms1g -Xmx1g, G1, 2 threads busy in bursts (~1 core)\n", heap, ready
  printf "load:    1/5/15-min load average before start %s; at each round: %s\n", load_before, loads
  printf "runs:    %d warm runs each (plus 1 cold run, first attach, not in the statistics), rounds interleaved; %d failed\n\n", runs, failed
  printf "| %-42s | %4s | %6s | %6s | %6s | %7s | %8s | %8s | %8s | %8s |\n", "wall time in s, pause in ms", "runs", "min", "median", "max", "cold", "pause md", "pause mx", "at-sp md", "size MB"
  printf "|%s|------|--------|--------|--------|---------|----------|----------|----------|----------|\n", "--------------------------------------------"
  for (k = 1; k <= 6; k++) if (n[order[k]]) print row[order[k]] # a method whose every run failed has no row
  printf "\npause = safepoint time inside the run'"'"'s window (-Xlog:safepoint, Total) minus the idle rate, %.1f ms/s\n", rate
  printf "(measured in %.0f s of idle windows); md = median, mx = worst run; at-sp = the same with only the time spent\n", idle_s
  printf "at the safepoint (the work itself, without the time to reach it, which a loaded machine inflates).\n"
  printf "cold = the first run into this JVM (agent loaded, JFR initialized). Sizes: packet zip; jcmd outputs, uncompressed.\n"
  printf "Note: jcmd GC.class_histogram forces a full GC (live objects only, a pause); the packet counts all objects\n"
  printf "without a GC, as GC.class_histogram -all does (its --histogram live would force one): compare with the -all rows.\n"
  printf "The jcmd runs stop the clock the instant the target logs \"Wrote recording\", faster than a human could check;\n"
  printf "the packet also holds environment, runtime info, folded stacks, a README and a report, sanitized; jcmd output is raw.\n"

  # where the safepoint time of each method goes (ms per warm run, operations above 1 ms/run)
  printf "\nsafepoint ms per warm run by VM operation (> 1 ms):\n"
  for (k = 1; k <= 7; k++) {
    m = order[k]; line = ""
    for (key in opms) { split(key, kk, SUBSEP); if (kk[1] == m && opms[key] / n[m] > 1) line = line sprintf("  %s %.0f", kk[2], opms[key] / n[m]) }
    printf "  %-8s%s\n", m, line
  }
  while ((getline l < steps_file) > 0) {
    split(l, f, "\t"); if (f[2] == 0) continue
    sk = f[1] SUBSEP f[3]; sn[sk]++; sv[sk, sn[sk]] = f[4]; if (!(sk in seen)) { seen[sk] = 1; so[++nso] = sk }
  }
  printf "\njcmd steps, median ms (each includes starting the jcmd JVM):\n"
  for (i = 1; i <= nso; i++) {
    split(so[i], kk, SUBSEP); if (kk[1] != "seq" && kk[1] != "seq-all") continue
    for (j = 1; j <= sn[so[i]]; j++) a[j] = sv[so[i], j]
    printf "  %-8s %-55s %6.0f\n", kk[1], kk[2], median(a, sn[so[i]]); delete a
  }

  # where the packet wall time goes: before the profile starts, the profile, after it stops
  for (i = 1; i <= w; i++) {
    if (wr[i] == 0) continue
    if (wm[i] == "cli-start") cs[++ncs] = (w1[i] - w0[i]) / 1000
    if (wm[i] != "packet") continue
    ts = 0; tp = 0
    for (j = 1; j <= njs; j++) if (jstart[j] >= w0[i] && jstart[j] <= w1[i]) ts = jstart[j]
    for (j = 1; j <= njp; j++) if (jstop[j] >= w0[i] && jstop[j] <= w1[i]) tp = jstop[j]
    if (ts && tp) { nb++; pre[nb] = (ts - w0[i]) / 1000; prof[nb] = (tp - ts) / 1000; post[nb] = (w1[i] - tp) / 1000 }
  }
  if (nb) {
    printf "\nwhere the packet'"'"'s time goes (median s, from the target'"'"'s -Xlog:jfr lines):\n"
    printf "  %-66s %5.2f\n", "CLI start, attach, agent start, until JFR recording started", median(pre, nb)
    printf "  %-66s %5.2f\n", "JFR recording running (asked: " profile " s)", median(prof, nb)
    printf "  %-66s %5.2f\n", "after JFR stop: dump, folded stacks, scrub, report, zip, CLI poll+exit", median(post, nb)
    if (ncs) printf "  %-66s %5.2f\n", "(for scale: java -jar attach.jar --help, the CLI JVM alone)", median(cs, ncs)
  }

  g6 = med["packet"] <= 6.5; g8 = med["packet"] <= 0.8 * med["seq"]; gc = med["packet"] <= med["ovl"]; gp = pmax["packet"] <= 100
  printf "\ntargets of issue 3 (wall times: medians; pause: worst warm run):\n"
  printf "  %-46s %6.2f s                 %s\n", "packet <= 6.5 s", med["packet"], verdict(g6)
  printf "  %-46s %6.2f s vs %5.2f s (%.2fx) %s\n", "packet <= 0.8 x sequential jcmd", med["packet"], 0.8 * med["seq"], med["packet"] / med["seq"], verdict(g8)
  printf "  %-46s %6.2f s vs %5.2f s         %s\n", "packet no slower than overlapped jcmd", med["packet"], med["ovl"], verdict(gc)
  printf "  %-46s %6.0f ms (median %.0f)        %s\n", "pause added by the packet <= 100 ms", pmax["packet"], pmed["packet"], verdict(gp)
  printf "  same-content comparison (-all rows): packet / sequential = %.2fx, packet - overlapped = %+.2f s\n",
      med["packet"] / med["seq-all"], med["packet"] - med["ovl-all"]
  if (nf) {
    printf "\nthe floor of a sanitized packet, row (f) (medians; bench/JfrTailReader.java):\n"
    printf "  %-66s %5.2f s\n", "its dump ahead of the recording'"'"'s end (the packet'"'"'s: 1 s)", median(flead, nf)
    printf "  %-66s %5.0f ms\n", "the JDK'"'"'s parser over what follows the dump, warm JVM (events: " median(fevents, nf) ")", median(fread, nf)
    printf "  %-66s %5.0f ms\n", "after JFR'"'"'s stop, until that read ended", 1000 * median(fpost, nf)
    printf "  %-46s %6.2f s vs %5.2f s (%+.2f s)\n", "packet against the floor (f)", med["packet"], med["floor"], med["packet"] - med["floor"]
    printf "  %-46s %6.2f s vs %5.2f s (%+.2f s)\n", "the floor (f) against overlapped jcmd (c)", med["floor"], med["ovl"], med["floor"] - med["ovl"]
  }
}' "$RESULTS" "$SAFEPOINT_LOG" "$FLOOR" "$JFR_LOG"

if [ -s "$INCOMPLETE" ]; then
  echo
  echo "$(wc -l <"$INCOMPLETE") packet(s) were written but incomplete (exit 1); their warning.txt says:"
  sort "$INCOMPLETE" | uniq -c | sed 's/^/  /'
fi
if [ -n "$LAST_PACKET" ] && [ -f "$LAST_PACKET" ]; then
  echo
  echo "the last packet's report.txt (time_ms: each collector's own time):"
  unzip -p "$LAST_PACKET" report.txt | sed 's/^/  /'
fi
