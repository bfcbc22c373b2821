#!/usr/bin/env bash
# Every comparison of issue 9, side by side in one run (the machine is shared: ratios taken minutes apart mean
# little). Results and raw logs go to benchmarks/target/run-<UTC time>/; docs/benchmarks.md explains them.
#
#   benchmarks/run.sh                 # load targets 1, 2, 3, 5 (1 MiB), 6 (and 6 hybrid), then JMH targets 4, 5
#   benchmarks/run.sh load|jmh        # one half only
#   benchmarks/run.sh LocalVerification -f 3   # anything else: built, then straight to JMH with those
#   benchmarks/run.sh -h                       # arguments (JMH's options; LedgerClaimBenchmark needs Redis
#                                              # and PostgreSQL, see docs/benchmarks.md)
#   DURATION=10 ROUNDS=3 CONNS=16 JFR=1 benchmarks/run.sh load
#   ONLY='^t2\.servlet' ROUNDS=6 benchmarks/run.sh load    # only the runs whose name matches (bash regex)
#   ONLY='^t2\.servlet_(paid|free)$' ROUNDS=10 DURATION=5 benchmarks/run.sh load
#       # a calm check: many short rounds of one pair, so that some run with little steal (see summary.sh)
#
# Needs: java 17, mvn, wrk, node >= 20 (interop/node_modules, installed with `npm ci` when missing).
# Everything listens on 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
WHAT=${1:-all}
DURATION=${DURATION:-10}       # seconds per wrk measurement
WARMUP=${WARMUP:-30}           # seconds of unrecorded load per endpoint first: the JIT compiled the JAX-RS paid path
                               # for ~30 s of full load (-XX:+PrintCompilation); 10 s left round 1 cold
ROUNDS=${ROUNDS:-2}            # each comparison alternates its sides this many times
CONNS=${CONNS:-16}             # wrk connections for throughput runs (one wrk thread: it is not the bottleneck)
MODERATE_CONNS=${MODERATE_CONNS:-4}
MODERATE_DELAY_MS=${MODERATE_DELAY_MS:-5}   # target 6: each connection pauses this long between requests
MODERATE_WARMUP=${MODERATE_WARMUP:-10}  # target 6: seconds of the paid path at that rate before each round's runs
BASE_PORT=${BASE_PORT:-18190}
SERVER_JVM=${SERVER_JVM:--Xms1g -Xmx1g}
JAR=benchmarks/target/benchmarks.jar                         # the tools (templates, vectors, JMH)
SAMPLE=${SAMPLE_JAR:-sample-webapp/target/tollgate-sample.jar} # servers: prebuilt jars may be given, to
SERVERS=${SERVERS_JAR:-$JAR}                                 # compare a before with an after
NOBUILD=${NOBUILD:-0}
PAY_TO=0x209693Bc6afc0C5328bA36FaF03C514EF312287C  # the sample needs one beside a facilitator; reference/server.mjs uses the same
CODE_DESTINATION=E8otxw1CVX9bfyddKu3ZB3BVLa4VVF9J7CTPdnUwT9jR  # the Code SDK example account, for the button page
STALL_SECONDS=${STALL_SECONDS:-10}  # StallProbe before the servers start (0: none); machine.txt and the summary
P_SAMPLE=$BASE_PORT P_BENCH=$((BASE_PORT + 1)) P_DOUBLE=$((BASE_PORT + 2)) P_REF=$((BASE_PORT + 3))
P_LOCAL=$((BASE_PORT + 4))   # a second sample in hybrid mode (TOLLGATE_VERIFY=local), same double

need() { # COMMAND PACKAGE: stop with what to install, before anything is built or started
  command -v "$1" > /dev/null || { echo "benchmarks/run.sh needs $1 (Debian: apt-get install $2)" >&2; exit 1; }
}
case "$WHAT" in
  all|load) need wrk wrk; need node nodejs; need curl curl ;;
esac
case "$WHAT" in
  all|load|jmh) ;;
  *)
    mvn -B -q -Pbenchmarks -pl benchmarks -am package -DskipTests
    exec java -jar "$JAR" "$@" ;;
esac

OUT=${OUT:-benchmarks/target/run-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$OUT"
RESULTS=$OUT/results.txt
: > "$RESULTS"
# Some guests never report steal (the column stays 0 since boot): then no round can be told calm (summary.sh).
STEAL_SINCE_BOOT=$(awk '/^cpu / { print $9 }' /proc/stat)
echo "steal_since_boot $STEAL_SINCE_BOOT" >> "$RESULTS"
export BENCH_LOAD_DIR=$ROOT/benchmarks/load
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

log() { echo "[$(date -u +%H:%M:%S)] $*" | tee -a "$OUT/run.log"; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

machine() {
  {
    echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "commit: $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (dirty)')"
    echo "nproc: $(nproc)"
    lscpu | grep -E '^(Model name|Thread|Core|Socket|Hypervisor|L2|L3)' | sed 's/  */ /g'
    # lscpu names no hypervisor on some guests (a PVM guest here); the kernel's log does, where it may be read.
    dmesg 2>/dev/null | grep -m1 -o 'Hypervisor detected: .*' || true
    echo "steal since boot: $STEAL_SINCE_BOOT ticks (none after minutes of uptime: steal is not reported)"
    echo "memory: $(free -g | awk '/Mem:/ {print $2 " GiB"}')"
    java -version 2>&1 | head -2
    echo "node: $(node --version)  wrk: $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)"
    echo "servers: sample $SAMPLE, bench server $SERVERS"
    # The commit above is the work tree's; with NOBUILD=1 or prebuilt jars the servers may be another: say when
    # they were built, and which they are.
    local jar
    for jar in "$SAMPLE" "$SERVERS"; do
      if [ -f "$jar" ]; then
        echo "jar: $jar built $(date -u -r "$jar" '+%Y-%m-%d %H:%M:%S UTC'), sha256 $(sha256sum "$jar" | cut -c1-16)"
      fi
    done
    echo "settings: DURATION=$DURATION WARMUP=$WARMUP ROUNDS=$ROUNDS CONNS=$CONNS MODERATE_CONNS=$MODERATE_CONNS MODERATE_DELAY_MS=$MODERATE_DELAY_MS"
  } > "$OUT/machine.txt"
  if [ "$STALL_SECONDS" -gt 0 ]; then
    # How often the idle cores vanish, seen from inside: steal this guest may not report (StallProbe). Interpreted
    # (-Xint), so that no JIT compiler thread takes turns with the spinners.
    # The build leaves tens of MB of files to write back: written now, that work does not land in the probe.
    sync
    java -Xint -cp "$JAR" dev.tollgate.benchmarks.StallProbe "$STALL_SECONDS" | tail -1 >> "$OUT/machine.txt"
  fi
  cat "$OUT/machine.txt"
}

selected() { # NAME: whether ONLY lets that run through
  [ -z "${ONLY:-}" ] || [[ $1 =~ $ONLY ]]
}

any_selected() { # NAME...: whether ONLY lets any of these runs through (an endpoint is warmed only for them)
  local name
  for name in "$@"; do selected "$name" && return 0; done
  return 1
}

# CPU time (user + system, clock ticks) a process has used so far; 0 when it is not known.
cpu_ticks() { [ -n "${1:-}" ] && awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
TICK_US=$((1000000 / $(getconf CLK_TCK)))
# The machine's CPU time so far, all cores: "total steal" (clock ticks, /proc/stat). Steal is time the hypervisor
# gave this VM's virtual cores to someone else while they had work: it stalls whichever request is running.
cpu_steal() { awk '/^cpu / { t = 0; for (i = 2; i <= 9; i++) t += $i; print t, $9 }' /proc/stat; }

# The server process behind a URL, to charge it the CPU a run made it use.
server_pid() {
  case "$1" in
    *:$P_SAMPLE/*|*:$P_SAMPLE) echo "${PID_SAMPLE:-}" ;;
    *:$P_BENCH/*|*:$P_BENCH) echo "${PID_BENCH:-}" ;;
    *:$P_DOUBLE/*|*:$P_DOUBLE) echo "${PID_DOUBLE:-}" ;;
    *:$P_LOCAL/*|*:$P_LOCAL) echo "${PID_LOCAL:-}" ;;
    *:$P_REF/*|*:$P_REF) echo "${PID_REF:-}" ;;
    *) echo "" ;;
  esac
}

# The facilitator double's count of /verify and /settle calls answered so far ("VERIFY SETTLE"), "- -" when it
# cannot tell (not started, or a SERVERS_JAR from before it counted).
double_calls() {
  local calls
  calls=$(curl -s --max-time 2 "http://127.0.0.1:$P_DOUBLE/calls" 2>/dev/null || true)
  if [[ $calls =~ \"verify\":([0-9]+),\"settle\":([0-9]+) ]]; then
    echo "${BASH_REMATCH[1]} ${BASH_REMATCH[2]}"
  else
    echo "- -"
  fi
}

# wrk NAME CONNS URL SCRIPT [ARGS...]: one measurement; appends "NAME rps p50 p99 non2xx errors load1 cpu_us
# steal_pct wrk_cpu_us verify_per_request settle_per_request requests", cpu_us being the server process's CPU time per
# request during the run (user + system; 0 if not known): unlike requests/s, it is not lowered by what else
# shares the cores, only by what the server does; steal_pct the share of the machine's CPU time the hypervisor
# took during the run; wrk_cpu_us wrk's own CPU time per request (it shares the two cores with the servers, so
# every µs it spends is taken from them: the load generator's weight in a ratio); verify_per_request and
# settle_per_request the calls the facilitator double answered during the run per request wrk completed ("-"
# when unknown): 1 and 1 for a paid path that really asks the facilitator for each request, 0 for the
# in-process verifier; requests the number wrk completed (the 402 run must have as many non-2xx).
declare -A RUNS_OF   # NAME -> how many times wrk_run has measured it so far (the round, for the quantile files)
wrk_run() {
  local name=$1 conns=$2 url=$3 script=$4; shift 4
  if ! selected "$name"; then return 0; fi
  local line pid before after requests machine_before machine_after calls_before calls_after
  local times_file=$OUT/.wrk-times
  local header=()
  if [ -n "${WRK_HEADER:-}" ]; then header=(-H "$WRK_HEADER"); fi
  echo "== $name" >> "$OUT/wrk.log"
  pid=$(server_pid "$url")
  before=$(cpu_ticks "$pid")
  machine_before=$(cpu_steal)
  calls_before=$(double_calls)
  # Target 6's runs keep their whole latency distribution (quantiles/NAME.ROUND), which HopModel adds up.
  RUNS_OF[$name]=$(( ${RUNS_OF[$name]:-0} + 1 ))
  local quantiles=""
  if [[ $name == t6.* ]]; then mkdir -p "$OUT/quantiles"; quantiles="$OUT/quantiles/$name.${RUNS_OF[$name]}"; fi
  rm -f "$times_file"
  # `times` in the group reports its children's CPU time, that is wrk's alone (written only when wrk succeeded).
  line=$( { WRK_QUANTILES=$quantiles wrk -t1 -c"$conns" -d"${DURATION}s" "${header[@]}" -s "$BENCH_LOAD_DIR/$script" "$url" -- "$@" 2>&1 \
    && times > "$times_file"; } | tee -a "$OUT/wrk.log" | grep '^RESULT') || { log "wrk failed for $name"; return 1; }
  after=$(cpu_ticks "$pid")
  machine_after=$(cpu_steal)
  calls_after=$(double_calls)
  requests=$(echo "$line" | sed -E 's/.*requests=([0-9]+).*/\1/')
  echo "$name $(echo "$line" | sed -E 's/.*rps=([0-9.]+).*p50_us=([0-9]+).*p99_us=([0-9]+).*non2xx=([0-9]+) errors=([0-9]+).*/\1 \2 \3 \4 \5/') $(loadavg | cut -d' ' -f1) $(awk -v t=$((after - before)) -v r="$requests" -v u="$TICK_US" 'BEGIN { printf "%.1f", (t > 0 && r > 0) ? t * u / r : 0 }') $(echo "$machine_before $machine_after" | awk '{ printf "%.1f", ($3 > $1) ? 100 * ($4 - $2) / ($3 - $1) : 0 }') \
$( { [ -s "$times_file" ] && awk -v r="$requests" 'NR == 2 { t = 0; for (i = 1; i <= 2; i++) { split($i, a, "m"); sub(/s$/, "", a[2]); t += a[1] * 60 + a[2] }
    printf "%.1f", (r > 0 ? t * 1e6 / r : 0) }' "$times_file"; } || echo 0) \
$(echo "$calls_before $calls_after" | awk -v r="$requests" '{ if ($1 == "-" || $3 == "-" || r <= 0) print "- -";
    else printf "%.2f %.2f\n", ($3 - $1) / r, ($4 - $2) / r }') $requests" \
    | tee -a "$RESULTS"
}

# in_turn ROUND COMMAND...: each COMMAND (a string, evaluated here) in the order given in odd rounds, backwards
# in even ones: a pair's two sides stay back to back, and neither always goes first.
in_turn() {
  local round=$1 i; shift
  local commands=("$@")
  if (( round % 2 == 1 )); then
    for (( i = 0; i < ${#commands[@]}; i++ )); do eval "${commands[i]}"; done
  else
    for (( i = ${#commands[@]} - 1; i >= 0; i-- )); do eval "${commands[i]}"; done
  fi
}

warm() { # URL SCRIPT [ARGS...]   (WARM_CONNS: connections, $CONNS unless given)
  local url=$1 script=$2; shift 2
  wrk -t1 -c"${WARM_CONNS:-$CONNS}" -d"${WARMUP}s" -s "$BENCH_LOAD_DIR/$script" "$url" -- "$@" > /dev/null 2>&1 || true
}

wait_http() { # URL
  for _ in $(seq 1 120); do curl -s -o /dev/null "$1" && return 0; sleep 0.5; done
  log "no answer from $1"; return 1
}

template() { # URL FILE: a proof template (and /verify or /settle body) for that server's first offer
  java -cp "$JAR" dev.tollgate.benchmarks.ProofTemplate "$1" "$2"
}

# signed URL SECONDS FILE: validly signed, unique proofs (one header value a line) for that server's first
# offer, enough for one wrk run of SECONDS at the moderate load: each connection sends at most one request
# per MODERATE_DELAY_MS, plus 10 % and 500 of margin (wrk takes one more to check the script). signed.lua
# sends each line once; if they ran out, the rest would go without a proof and count in non2xx.
signed() {
  local url=$1 secs=$2 file=$3 rate
  if [ "$MODERATE_DELAY_MS" -gt 0 ]; then rate=$((MODERATE_CONNS * 1000 / MODERATE_DELAY_MS)); else rate=10000; fi
  java -cp "$JAR" dev.tollgate.benchmarks.SignedProofs "$url" $((rate * secs * 11 / 10 + 500)) "$file" | tee -a "$OUT/run.log"
}

jfr_opts() { # NAME
  if [ "${JFR:-0}" = 1 ]; then echo "-XX:StartFlightRecording=filename=$OUT/$1.jfr,settings=profile,dumponexit=true"; fi
}

build() {
  [ "$NOBUILD" = 1 ] && return 0
  log "building (mvn -Pbenchmarks package)"
  # The sample's shade step re-shades its previous output when the module itself did not change, and the
  # stale copies of filter-core classes in it win: start from no jar.
  rm -f sample-webapp/target/tollgate-sample.jar sample-webapp/target/original-tollgate-sample.jar
  mvn -B -q -Pbenchmarks -pl sample-webapp,benchmarks -am package -DskipTests
}

start_servers() {
  # The reference server needs it whether or not this run built the jars (NOBUILD=1 on a fresh clone).
  if [ ! -d interop/node_modules ]; then (cd interop && npm ci --no-audit --no-fund); fi
  log "starting facilitator double :$P_DOUBLE, sample :$P_SAMPLE, bench server :$P_BENCH, @x402/express :$P_REF"
  # shellcheck disable=SC2086
  java $SERVER_JVM -cp "$SERVERS" dev.tollgate.benchmarks.FacilitatorDouble "$P_DOUBLE" > "$OUT/double.log" 2>&1 &
  PID_DOUBLE=$!; PIDS+=($!)
  wait_http "http://127.0.0.1:$P_DOUBLE/supported"
  # shellcheck disable=SC2086
  TOLLGATE_PAY_TO=$PAY_TO TOLLGATE_CODE_DESTINATION=$CODE_DESTINATION TOLLGATE_FACILITATOR_URL=http://127.0.0.1:$P_DOUBLE PORT=$P_SAMPLE HOST=127.0.0.1 \
    java $SERVER_JVM $(jfr_opts sample) -jar "$SAMPLE" > "$OUT/sample.log" 2>&1 &
  PID_SAMPLE=$!; PIDS+=($!)
  # shellcheck disable=SC2086
  java $SERVER_JVM $(jfr_opts bench) -cp "$SERVERS" dev.tollgate.benchmarks.BenchServer "$P_BENCH" \
    "http://127.0.0.1:$P_DOUBLE" > "$OUT/bench.log" 2>&1 &
  PID_BENCH=$!; PIDS+=($!)
  node benchmarks/reference/server.mjs "$P_REF" "http://127.0.0.1:$P_DOUBLE" > "$OUT/reference.log" 2>&1 &
  PID_REF=$!; PIDS+=($!)   # its CPU per request, like the Java servers' (Node: one thread for the JavaScript)
  log "starting sample in hybrid mode (TOLLGATE_VERIFY=local) :$P_LOCAL"
  # shellcheck disable=SC2086
  TOLLGATE_PAY_TO=$PAY_TO TOLLGATE_CODE_DESTINATION=$CODE_DESTINATION TOLLGATE_VERIFY=local TOLLGATE_FACILITATOR_URL=http://127.0.0.1:$P_DOUBLE PORT=$P_LOCAL HOST=127.0.0.1 \
    java $SERVER_JVM $(jfr_opts sample-local) -jar "$SAMPLE" > "$OUT/sample-local.log" 2>&1 &
  PID_LOCAL=$!; PIDS+=($!)
  wait_http "http://127.0.0.1:$P_SAMPLE/bench/free"
  wait_http "http://127.0.0.1:$P_BENCH/bench/free"
  wait_http "http://127.0.0.1:$P_REF/bench/free"
  wait_http "http://127.0.0.1:$P_LOCAL/bench/free"
}

load_targets() {
  local S=http://127.0.0.1:$P_SAMPLE B=http://127.0.0.1:$P_BENCH R=http://127.0.0.1:$P_REF D=http://127.0.0.1:$P_DOUBLE
  local L=http://127.0.0.1:$P_LOCAL
  local T=$OUT/templates
  mkdir -p "$T"
  template "$S/bench/paid" "$T/sample.txt"
  template "$B/bench/paid" "$T/bench.txt"
  template "$B/api/bench/paid" "$T/bench-api.txt"
  template "$B/bench/paid?bytes=1048576" "$T/bench-1m.txt"
  template "$R/bench/paid" "$T/reference.txt"
  template "$L/bench/paid" "$T/sample-local.txt"   # line 5: the body the hybrid sample sends to /settle
  template "$B/bench/paid-double" "$T/bench-double.txt"
  # Target 1 compares the 402 with a 200 of the same body size, and with one of the same size on the wire: its
  # body padded by what the 402's status line and headers have more than the 200's (PAYMENT-REQUIRED and the rest).
  local body header
  body=$(curl -s -o /dev/null -w '%{size_download}' "$S/bench/paid")
  header=$(( $(curl -s -o /dev/null -w '%{size_header}' "$S/bench/paid") - $(curl -s -o /dev/null -w '%{size_header}' "$S/bench/free?bytes=$body") ))
  echo "challenge_body_bytes $body" >> "$RESULTS"
  echo "challenge_extra_header_bytes $header" >> "$RESULTS"

  log "warm-up ($WARMUP s per endpoint)"
  # Only the endpoints of selected runs, so that a check of one pair (ONLY=...) starts within a minute.
  if any_selected t1.challenge_402 t1.free_same_body t1.free_same_wire; then
    warm "$S/bench/paid" get.lua; warm "$S/bench/free?bytes=$body" get.lua
  fi
  if any_selected t3.tollgate t6.paid; then warm "$S" paid.lua "$T/sample.txt" 1; fi
  if any_selected t3.reference; then warm "$R" paid.lua "$T/reference.txt" 1; fi
  if any_selected t2.servlet_paid t2.servlet_free t2.servlet_free_plain t2.servlet_free_headers t2.servlet_free_fixed; then
    warm "$B" paid.lua "$T/bench.txt" 1; warm "$B" paid.lua "$T/bench.txt" 2 /bench/free
  fi
  if any_selected t2.jaxrs_paid t2.jaxrs_free t2.jaxrs_free_plain; then
    warm "$B" paid.lua "$T/bench-api.txt" 1; warm "$B" paid.lua "$T/bench-api.txt" 2 /api/bench/free
  fi
  if any_selected t5.paid_1mib t5.free_1mib; then
    warm "$B" paid.lua "$T/bench-1m.txt" 1; warm "$B/bench/free?bytes=1048576" get.lua
  fi
  if any_selected t6.double_verify; then warm "$D/verify" post.lua "$T/sample.txt"; fi
  if any_selected t6.relay t6.relay_settle; then warm "$B/bench/relay" get.lua; fi
  if any_selected t6.bench_paid; then warm "$B" paid.lua "$T/bench-double.txt" 1; fi
  if any_selected t6.relay_core; then warm "$B/bench/relay-core" get.lua; fi
  if any_selected t6.double_settle; then warm "$D/settle" post.lua "$T/sample-local.txt"; fi
  # The hybrid sample, warmed at the moderate load its run uses (signed proofs are costly to make: this keeps
  # the file small), with proofs of its own; only when its run is selected.
  if selected t6.local_paid; then
    signed "$L/bench/paid" "$WARMUP" "$T/signed-warmup.txt"
    WRK_DELAY_MS=$MODERATE_DELAY_MS WARM_CONNS=$MODERATE_CONNS warm "$L/bench/paid" signed.lua "$T/signed-warmup.txt"
  fi

  for round in $(seq 1 "$ROUNDS"); do
    log "round $round/$ROUNDS, load $(loadavg)"
    # Each group below runs in order in odd rounds and backwards in even ones (in_turn), so that whatever drifts
    # through a round does not always land on the same side of a pair; the two sides stay back to back.
    # 1. challenge path vs unprotected, same Jetty process (the sample)
    in_turn "$round" \
      'wrk_run t1.challenge_402 "$CONNS" "$S/bench/paid" get.lua' \
      'wrk_run t1.free_same_body "$CONNS" "$S/bench/free?bytes=$body" get.lua' \
      'wrk_run t1.free_same_wire "$CONNS" "$S/bench/free?bytes=$((body + header))" get.lua'
    # 2. paid path, instant in-process verifier, unique proofs, vs unprotected (servlet, then JAX-RS)
    #    "free" carries the same unique headers (ignored): the container parses them either way, so the
    #    ratio is the gate's cost; "free_plain" has no header; "free_fixed" one fixed header, which shows
    #    what the script's per-request work costs wrk; "free_headers" the same requests answered unprotected
    #    but with a settled response's three headers: the protocol's share.
    in_turn "$round" \
      'wrk_run t2.servlet_paid "$CONNS" "$B" paid.lua "$T/bench.txt"' \
      'wrk_run t2.servlet_free "$CONNS" "$B" paid.lua "$T/bench.txt" "" /bench/free' \
      'wrk_run t2.servlet_free_plain "$CONNS" "$B/bench/free" get.lua' \
      'wrk_run t2.servlet_free_headers "$CONNS" "$B" paid.lua "$T/bench.txt" "" /bench/free-headers' \
      'WRK_HEADER="PAYMENT-SIGNATURE: $(sed -n 4p "$T/bench.txt")" wrk_run t2.servlet_free_fixed "$CONNS" "$B/bench/free" get.lua' \
      'wrk_run t2.jaxrs_paid "$CONNS" "$B" paid.lua "$T/bench-api.txt"' \
      'wrk_run t2.jaxrs_free "$CONNS" "$B" paid.lua "$T/bench-api.txt" "" /api/bench/free' \
      'wrk_run t2.jaxrs_free_plain "$CONNS" "$B/api/bench/free" get.lua'
    # 3. Tollgate's sample vs @x402/express, same route, same facilitator double, unique proofs
    in_turn "$round" \
      'wrk_run t3.tollgate "$CONNS" "$S" paid.lua "$T/sample.txt"' \
      'wrk_run t3.reference "$CONNS" "$R" paid.lua "$T/reference.txt"'
    # 5. buffering a 1 MiB paid response (instant verifier) vs the same response unprotected
    in_turn "$round" \
      'wrk_run t5.paid_1mib 4 "$B" paid.lua "$T/bench-1m.txt"' \
      'wrk_run t5.free_1mib 4 "$B/bench/free?bytes=1048576" get.lua'
    # 6. latency at a moderate, fixed load: the paid path vs the facilitator double answering /verify itself.
    # At this rate the JIT goes on compiling the paid path for tens of seconds after full-load runs (seen with
    # -XX:+PrintCompilation), taking a core the double and wrk need: let it settle first, at the same rate.
    if selected t6.paid && [ "$MODERATE_WARMUP" -gt 0 ]; then
      WARMUP=$MODERATE_WARMUP WRK_DELAY_MS=$MODERATE_DELAY_MS WARM_CONNS=$MODERATE_CONNS warm "$S" paid.lua "$T/sample.txt" "6$round"
    fi
    in_turn "$round" \
      'WRK_DELAY_MS=$MODERATE_DELAY_MS wrk_run t6.double_verify "$MODERATE_CONNS" "$D/verify" post.lua "$T/sample.txt"' \
      'WRK_DELAY_MS=$MODERATE_DELAY_MS wrk_run t6.paid "$MODERATE_CONNS" "$S" paid.lua "$T/sample.txt"'
    WRK_DELAY_MS=$MODERATE_DELAY_MS wrk_run t6.free "$MODERATE_CONNS" "$S/bench/free" get.lua
    # 6, the same two facilitator calls made by an unprotected handler with Tollgate's client and no gate
    #    (BenchServer's /bench/relay): the calls' share of the paid path's latency, apart from the gate's
    if any_selected t6.relay t6.relay_settle && [ "$MODERATE_WARMUP" -gt 0 ]; then
      WARMUP=$MODERATE_WARMUP WRK_DELAY_MS=$MODERATE_DELAY_MS WARM_CONNS=$MODERATE_CONNS warm "$B/bench/relay" get.lua
    fi
    WRK_DELAY_MS=$MODERATE_DELAY_MS wrk_run t6.relay "$MODERATE_CONNS" "$B/bench/relay" get.lua
    #    and the paid path in that same process (BenchServer's /bench/paid-double, the gate with the double as its
    #    facilitator): the relay less this is the gate's share, with nothing of the process in between
    if selected t6.bench_paid && [ "$MODERATE_WARMUP" -gt 0 ]; then
      WARMUP=$MODERATE_WARMUP WRK_DELAY_MS=$MODERATE_DELAY_MS WARM_CONNS=$MODERATE_CONNS warm "$B" paid.lua "$T/bench-double.txt" "7$round"
    fi
    WRK_DELAY_MS=$MODERATE_DELAY_MS wrk_run t6.bench_paid "$MODERATE_CONNS" "$B" paid.lua "$T/bench-double.txt"
    #    and the /settle call alone, as a paid request would make it if /verify were skipped (an open option)
    WRK_DELAY_MS=$MODERATE_DELAY_MS wrk_run t6.relay_settle "$MODERATE_CONNS" "$B/bench/relay?calls=settle" get.lua
    #    and the same two calls over httpcore5's own requester, without HttpClient's execution chain: the client's
    #    share of the calls (a yardstick for a lighter client, not something the gate uses)
    if selected t6.relay_core && [ "$MODERATE_WARMUP" -gt 0 ]; then
      WARMUP=$MODERATE_WARMUP WRK_DELAY_MS=$MODERATE_DELAY_MS WARM_CONNS=$MODERATE_CONNS warm "$B/bench/relay-core" get.lua
    fi
    WRK_DELAY_MS=$MODERATE_DELAY_MS wrk_run t6.relay_core "$MODERATE_CONNS" "$B/bench/relay-core" get.lua
    # 6, hybrid: the sample with verify=local (signature checked in process, only /settle crosses to the
    #    double) with validly signed, unique proofs made just before, vs the double answering /settle itself
    WRK_DELAY_MS=$MODERATE_DELAY_MS wrk_run t6.double_settle "$MODERATE_CONNS" "$D/settle" post.lua "$T/sample-local.txt"
    if selected t6.local_paid; then
      signed "$L/bench/paid" "$DURATION" "$T/signed-$round.txt"
      WRK_DELAY_MS=$MODERATE_DELAY_MS wrk_run t6.local_paid "$MODERATE_CONNS" "$L/bench/paid" signed.lua "$T/signed-$round.txt"
    fi
  done
}

jmh_targets() {
  log "JMH, load $(loadavg)"
  java -cp "$JAR" dev.tollgate.benchmarks.VerificationVectors "$OUT/vectors.json" 64
  # 4. local verification vs viem, same vectors, one thread each: three pairs of one JMH fork and then viem, so that
  # a phase of the machine (viem's rounds moved between 340 and 640/s within one run in the twenty-third session)
  # weighs on both sides of a pair alike
  for pair in 1 2 3; do
    java -jar "$JAR" '\.VerificationBenchmark\.' -f 1 -p vectors="$OUT/vectors.json" -rf csv \
      -rff "$OUT/jmh-verify-$pair.csv" > "$OUT/jmh-verify-$pair.log" 2>&1
    node benchmarks/reference/recover.mjs "$OUT/vectors.json" 10 | tee "$OUT/viem-$pair.log"
  done
  log "JMH routes and ledger, load $(loadavg)"
  # 5. route matching 10 vs 10,000 routes; ledger claim rate empty vs 1,000,000 live; ledger bytes per entry
  java -jar "$JAR" 'RouteMatchBenchmark|LedgerScaleBenchmark' -rf csv -rff "$OUT/jmh-scale.csv" > "$OUT/jmh-scale.log" 2>&1
  java -Xmx2g -cp "$JAR" dev.tollgate.benchmarks.LedgerFootprint 1000000 | tee "$OUT/footprint.log"
}

build
machine
log "load average at start: $(loadavg)"
case "$WHAT" in
  all) start_servers; load_targets; cleanup; PIDS=(); jmh_targets ;;
  load) start_servers; load_targets ;;
  jmh) jmh_targets ;;
esac
if [ -d "$OUT/quantiles" ]; then java -cp "$JAR" dev.tollgate.benchmarks.HopModel "$OUT" >> "$RESULTS"; fi
log "load average at end: $(loadavg)"
benchmarks/summary.sh "$OUT" | tee "$OUT/summary.md"
