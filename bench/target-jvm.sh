# Sourced by the bench scripts that run one target JVM at a time: picks the JDK, builds attach.jar if it is missing,
# makes a work directory, and kills the target and removes the work directory on every way out.
#   needs: JDK (17, 25 or a JDK directory), REPO, NAME (for the work directory)
#   gives: JAVA, JCMD, JAR, WORK, TARGET_PID (set it when starting a target), start_bench_target, stop_target, log,
#   now_ms
case "$JDK" in
  17) JH=$(ls -d /usr/lib/jvm/java-17-openjdk-amd64 /usr/lib/jvm/*17* 2>/dev/null | head -1) ;;
  25) JH=$(ls -d /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*25* 2>/dev/null | head -1) ;;
  *) JH=$JDK ;;
esac
JAVA=${JH:-}/bin/java
JCMD=${JH:-}/bin/jcmd
[ -x "$JAVA" ] && [ -x "$JCMD" ] || { echo "no JDK with java and jcmd found for --jdk $JDK" >&2; exit 2; }
JAR=$REPO/attach-cli/target/attach.jar
[ -f "$JAR" ] || (cd "$REPO" && mvn -B -q package -DskipTests) >&2

WORK=$(mktemp -d "${TMPDIR:-/tmp}/$NAME.XXXXXX")
TARGET_PID=
stop_target() {
  if [ -n "$TARGET_PID" ] && kill -0 "$TARGET_PID" 2>/dev/null; then
    kill "$TARGET_PID" 2>/dev/null || true
    wait "$TARGET_PID" 2>/dev/null || true
  fi
  TARGET_PID=
}
cleanup() { local rc=$?; stop_target; rm -rf "$WORK"; exit "$rc"; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
log() { echo "$*" >&2; }
now_ms() { local us=${EPOCHREALTIME//[.,]/}; echo $((us / 1000)); }
# start_bench_target LIVE_MB JAVA_OPTION...: bench/BenchTarget.java with LIVE_MB of live heap in $WORK/target, JFR's
# log lines with wall-clock ms in $WORK/jfr.log; returns once it is ready (sets TARGET_PID), exits if it is not.
start_bench_target() {
  local mb=$1
  shift
  mkdir -p "$WORK/target"
  (cd "$WORK/target" && exec "$JAVA" "$@" "-Xlog:jfr=info:file=$WORK/jfr.log:timemillis" \
      "$REPO/bench/BenchTarget.java" "$WORK/target/ready" "$mb") >"$WORK/target.out" 2>&1 &
  TARGET_PID=$!
  for _ in $(seq 1 900); do
    [ -s "$WORK/target/ready" ] && break
    kill -0 "$TARGET_PID" 2>/dev/null || { cat "$WORK/target.out" >&2; exit 1; }
    sleep 0.2
  done
  [ -s "$WORK/target/ready" ] || { echo "the target did not get ready in 180 s" >&2; exit 1; }
  echo "target pid $TARGET_PID on $("$JAVA" -version 2>&1 | head -1)"
  echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
}
