#!/usr/bin/env bash
# Target 2's pairs for several builds at once: one BenchServer per benchmarks jar, all started together and loaded in
# turn, so that a change in the machine's speed over the minutes of a run weighs on every build alike. Comparing two
# records taken hours apart mixes the code's cost with the machine's (docs/benchmarks.md, twenty-fourth session).
#
#   benchmarks/side-by-side.sh LABEL=JAR [LABEL=JAR ...]
#   benchmarks/side-by-side.sh summarize RESULTS_FILE      # the table again, from a run's results.txt
#   ROUNDS=3 DURATION=8 WARMUP=15 benchmarks/side-by-side.sh old=/tmp/old/benchmarks/target/benchmarks.jar \
#       new=benchmarks/target/benchmarks.jar
#
# An older build's jar: `git worktree add /tmp/old <commit>`, then in it
# `mvn -B -q -Pbenchmarks -pl benchmarks -am package -DskipTests`. The proof templates are made with this checkout's
# benchmarks jar (build it first). Each run's line in results.txt: ROUND LABEL ROUTE requests/s server-CPU-µs/request
# non-2xx+errors. Everything listens on 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

# summarize FILE: per build, each pair's server CPU per request (paid / unprotected, and the difference: the gate) and
# its requests/s ratio (of the rounds' totals, then round by round); a pair with a failed request gets no figure.
summarize() {
  awk '
    { key = $2 SUBSEP $3; rps[key] += $4; cpu[key] += $5; runs[key]++; bad[key] += $6
      ratio_rps[$1, $2, $3] = $4
      if (!($2 in seen)) { seen[$2] = 1; order[++builds] = $2 }
      if ($1 > rounds) rounds = $1 }
    END {
      print "| build | pair | server CPU µs/request, paid / unprotected | the gate | requests/s ratio | rounds |"
      print "|---|---|---|---|---|---|"
      split("servlet jaxrs", pairs, " ")
      for (b = 1; b <= builds; b++) for (p = 1; p <= 2; p++) {
        name = order[b]; paid = name SUBSEP pairs[p] "_paid"; free = name SUBSEP pairs[p] "_free"
        if (!(paid in runs) || !(free in runs)) continue
        if (bad[paid] + bad[free] > 0) { printf "| %s | %s | invalid run: %d failed requests | | | |\n", name, pairs[p], bad[paid] + bad[free]; continue }
        cp = cpu[paid] / runs[paid]; cf = cpu[free] / runs[free]
        list = ""
        for (r = 1; r <= rounds; r++) {
          if ((r, name, pairs[p] "_paid") in ratio_rps && (r, name, pairs[p] "_free") in ratio_rps)
            list = list (list == "" ? "" : ", ") sprintf("%.2f", ratio_rps[r, name, pairs[p] "_paid"] / ratio_rps[r, name, pairs[p] "_free"])
        }
        printf "| %s | %s | %.1f / %.1f | +%.1f µs | %.2f × | %s |\n", name, pairs[p], cp, cf, cp - cf, rps[paid] / rps[free], list
      }
    }' "$1"
}

if [ "${1:-}" = summarize ]; then
  summarize "$2"
  exit 0
fi
if [ $# -lt 1 ] || [[ $1 != *=* ]]; then
  sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-8}
WARMUP=${WARMUP:-15}
CONNS=${CONNS:-16}
BASE_PORT=${BASE_PORT:-18970}
SERVER_JVM=${SERVER_JVM:--Xms1g -Xmx1g}
TOOLS=$ROOT/benchmarks/target/benchmarks.jar
export BENCH_LOAD_DIR=$ROOT/benchmarks/load
[ -f "$TOOLS" ] || { echo "build this checkout's benchmarks jar first (mvn -B -q -Pbenchmarks -pl benchmarks -am package -DskipTests)" >&2; exit 1; }
OUT=$ROOT/benchmarks/target/side-$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$OUT"
RESULTS=$OUT/results.txt

LABELS=(); declare -A JAR PORT PID
i=0
for arg in "$@"; do
  label=${arg%%=*}; jar=${arg#*=}
  [ -f "$jar" ] || { echo "no such jar: $jar" >&2; exit 1; }
  LABELS+=("$label"); JAR[$label]=$jar; PORT[$label]=$((BASE_PORT + i)); i=$((i + 1))
done
stop() { for l in "${LABELS[@]}"; do [ -n "${PID[$l]:-}" ] && kill "${PID[$l]}" 2>/dev/null || true; done; }
trap stop EXIT

{ echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"; echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo -)"
  for l in "${LABELS[@]}"; do echo "build $l: ${JAR[$l]} sha256 $(sha256sum "${JAR[$l]}" | cut -c1-16)"; done
  echo "settings: ROUNDS=$ROUNDS DURATION=$DURATION WARMUP=$WARMUP CONNS=$CONNS"; } > "$OUT/machine.txt"

for l in "${LABELS[@]}"; do
  # shellcheck disable=SC2086
  java $SERVER_JVM -cp "${JAR[$l]}" dev.tollgate.benchmarks.BenchServer "${PORT[$l]}" > "$OUT/server-$l.log" 2>&1 &
  PID[$l]=$!
done
for l in "${LABELS[@]}"; do
  for _ in $(seq 1 120); do curl -s -o /dev/null "http://127.0.0.1:${PORT[$l]}/bench/free" && break; sleep 0.5; done
done

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
TICK_US=$((1000000 / $(getconf CLK_TCK)))
salt=100
# run ROUND LABEL ROUTE TEMPLATE [PATH]: one wrk run, its line in results.txt (new nonces each time: salt)
run() {
  local round=$1 l=$2 route=$3 template=$4 path=${5:-} before after line requests
  salt=$((salt + 1))
  before=$(cpu_ticks "${PID[$l]}")
  line=$(wrk -t1 -c"$CONNS" -d"${DURATION}s" -s "$BENCH_LOAD_DIR/paid.lua" "http://127.0.0.1:${PORT[$l]}" -- "$template" "$salt" $path \
    | grep '^RESULT')
  after=$(cpu_ticks "${PID[$l]}")
  requests=$(echo "$line" | sed -E 's/.*requests=([0-9]+).*/\1/')
  echo "$round $l $route $(echo "$line" | sed -E 's/.*rps=([0-9.]+).*non2xx=([0-9]+) errors=([0-9]+).*/\1 \2 \3/')" \
    | awk -v t=$((after - before)) -v r="$requests" -v u="$TICK_US" '{ printf "%s %s %s %s %.1f %d\n", $1, $2, $3, $4, (r > 0 ? t * u / r : 0), $5 + $6 }' \
    | tee -a "$RESULTS"
}

for l in "${LABELS[@]}"; do
  base=http://127.0.0.1:${PORT[$l]}
  java -cp "$TOOLS" dev.tollgate.benchmarks.ProofTemplate "$base/bench/paid" "$OUT/$l.txt" > /dev/null
  java -cp "$TOOLS" dev.tollgate.benchmarks.ProofTemplate "$base/api/bench/paid" "$OUT/$l-api.txt" > /dev/null
  # Warm-up: salts 1-4, never used by the measured runs, whose proofs would otherwise be refused as replays.
  wrk -t1 -c"$CONNS" -d"${WARMUP}s" -s "$BENCH_LOAD_DIR/paid.lua" "$base" -- "$OUT/$l.txt" 1 > /dev/null
  wrk -t1 -c"$CONNS" -d"${WARMUP}s" -s "$BENCH_LOAD_DIR/paid.lua" "$base" -- "$OUT/$l.txt" 2 /bench/free > /dev/null
  wrk -t1 -c"$CONNS" -d"${WARMUP}s" -s "$BENCH_LOAD_DIR/paid.lua" "$base" -- "$OUT/$l-api.txt" 3 > /dev/null
  wrk -t1 -c"$CONNS" -d"${WARMUP}s" -s "$BENCH_LOAD_DIR/paid.lua" "$base" -- "$OUT/$l-api.txt" 4 /api/bench/free > /dev/null
done

for round in $(seq 1 "$ROUNDS"); do
  # The builds take turns, in reverse order every other round, so that none always runs first.
  order=("${LABELS[@]}")
  if (( round % 2 == 0 )); then order=(); for (( k = ${#LABELS[@]} - 1; k >= 0; k-- )); do order+=("${LABELS[k]}"); done; fi
  for l in "${order[@]}"; do
    run "$round" "$l" servlet_paid "$OUT/$l.txt"
    run "$round" "$l" servlet_free "$OUT/$l.txt" /bench/free
    run "$round" "$l" jaxrs_paid "$OUT/$l-api.txt"
    run "$round" "$l" jaxrs_free "$OUT/$l-api.txt" /api/bench/free
  done
done
summarize "$RESULTS" | tee "$OUT/summary.md"
echo "results: $OUT"
