#!/usr/bin/env bash
# Checks benchmarks/summary.sh's arithmetic and verdicts on a made-up run directory whose figures are known:
# means, round-by-round ratios and their median (odd and even counts), the calm rounds, the invalid-run checks
# (failed requests, a side that did not call the double), wrk's CPU and JMH's error bars. No server, no load:
#   benchmarks/test/summary-test.sh     (prints each failed check, exits 1 if any)
set -euo pipefail
cd "$(dirname "$0")/../.."
RUN=$(mktemp -d)
trap 'rm -rf "$RUN"' EXIT
echo "stall all: 1.0 thread-seconds watched" > "$RUN/machine.txt"
# NAME rps p50 p99 non2xx errors load1 cpu_us steal_pct wrk_cpu_us verify_per_request settle_per_request [requests]
cat > "$RUN/results.txt" <<'RESULTS'
steal_since_boot 100
challenge_body_bytes 422
challenge_extra_header_bytes 700
t1.challenge_402 900 400 5000 9000 0 2.0 50.0 1.0 10.0 - - 9000
t1.free_same_body 1000 400 5000 0 0 2.0 40.0 1.0 10.0 - -
t2.servlet_paid 800 400 5000 0 0 2.0 60.0 1.0 12.0 0.00 0.00
t2.servlet_free 1000 400 5000 0 0 2.0 50.0 1.0 10.0 0.00 0.00
t3.tollgate 3000 400 9000 0 0 2.0 150.0 1.0 12.0 1.00 1.00
t3.reference 1000 400 20000 0 0 2.0 0.0 1.0 12.0 1.00 0.00
t6.double_verify 750 100 1000 0 0 2.0 50.0 1.0 30.0 1.00 0.00
t6.paid 700 600 2000 0 0 2.0 300.0 1.0 30.0 1.00 1.00
t1.challenge_402 1000 400 5000 9000 0 2.0 50.0 1.0 10.0 - - 9000
t1.free_same_body 1000 400 5000 0 0 2.0 40.0 1.0 10.0 - -
t2.servlet_paid 900 400 5000 3 0 2.0 60.0 1.0 12.0 0.00 0.00
t2.servlet_free 1000 400 5000 0 0 2.0 50.0 1.0 10.0 0.00 0.00
t3.tollgate 3300 400 9000 0 0 2.0 150.0 1.0 12.0 1.00 1.00
t3.reference 1000 400 20000 0 0 2.0 0.0 1.0 12.0 1.00 0.00
t6.double_verify 750 100 1000 0 0 2.0 50.0 9.0 30.0 1.00 0.00
t6.paid 700 600 3000 0 0 2.0 300.0 1.0 30.0 1.00 1.00
t1.challenge_402 1200 400 5000 9000 0 2.0 50.0 9.0 10.0 - - 9000
t1.free_same_body 1000 400 5000 0 0 2.0 40.0 1.0 10.0 - -
t6.double_verify 750 100 1000 0 0 2.0 50.0 1.0 30.0 1.00 0.00
t6.paid 700 600 1500 0 0 2.0 300.0 1.0 30.0 1.00 1.00
t1.challenge_402 980 400 5000 9000 0 2.0 50.0 1.0 10.0 - - 9000
t1.free_same_body 1000 400 5000 0 0 2.0 40.0 1.0 10.0 - -
RESULTS
cat > "$RUN/jmh-scale.csv" <<'CSV'
"Benchmark","Mode","Threads","Samples","Score","Score Error (99.9%)","Unit","Param: live","Param: routes"
"dev.tollgate.benchmarks.LedgerScaleBenchmark.claimAndRelease","thrpt",1,5,4000000,100000,"ops/s",0,
"dev.tollgate.benchmarks.LedgerScaleBenchmark.claimAndRelease","thrpt",1,5,2100000,100000,"ops/s",1000000,
"dev.tollgate.benchmarks.RouteMatchBenchmark.last","avgt",1,5,100,1,"ns/op",,10
"dev.tollgate.benchmarks.RouteMatchBenchmark.last","avgt",1,5,110,1,"ns/op",,10000
"dev.tollgate.benchmarks.RouteMatchBenchmark.miss","avgt",1,5,50,1,"ns/op",,10
"dev.tollgate.benchmarks.RouteMatchBenchmark.miss","avgt",1,5,50,1,"ns/op",,10000
"dev.tollgate.benchmarks.RouteMatchBenchmark.spread","avgt",1,5,100,1,"ns/op",,10
"dev.tollgate.benchmarks.RouteMatchBenchmark.spread","avgt",1,5,250,1,"ns/op",,10000
CSV
out=$(benchmarks/summary.sh "$RUN") || { echo "FAILED: benchmarks/summary.sh exited with $?" >&2; exit 1; }
failed=0
expect() { # TEXT WHY: the summary must contain TEXT
  if ! grep -qF -- "$1" <<< "$out"; then echo "FAILED: $2: no \"$1\" in the summary" >&2; failed=1; fi
}
# target 1: means 1020 / 1000; rounds 0.90, 1.00, 1.20, 0.98 (even count: the middle two averaged, 0.99); calm
# rounds (steal < 5 % on both sides) 1, 2 and 4: median of 0.90, 1.00, 0.98
expect "| t1.challenge_402 | 1020 |" "mean requests/s"
expect "1.02 × (" "ratio of the means"
expect "rounds 0.90, 1.00, 1.20, 0.98; median 0.99" "rounds and their median, even count"
expect "rounds with steal < 5 % on both sides: 0.90, 1.00, 0.98, median 0.98" "calm rounds, odd count"
expect "**met** (mean); **met** (calm rounds)" "target 1's verdicts"
expect "bytes more than the 200's" "the 402's extra header bytes"
# target 2: a paid run with refused requests gives no verdict; wrk's CPU per request is reported
expect "| t2.servlet_paid | 850 | 0.40 | 5.00 | 3 |" "failed requests summed"
expect "**invalid run** (t2.servlet_paid had failed requests)" "a paid run with failed requests"
expect "| 12.0 / 10.0 µs, 0.01 / 0.01 cores |" "wrk's CPU per request and its cores"
expect "50.0 / 60.0 µs = 0.83 ×; the gate adds 10.0 µs" "server CPU per request"
# target 3: the reference never settled: invalid, whatever the ratio (3.15 ×)
expect "3.15 × (3150 / 1000); rounds 3.00, 3.30; median 3.15" "target 3's ratio and rounds"
expect "Tollgate 1.00, 1.00, @x402/express 1.00, 0.00" "the double's calls per request"
expect "**invalid run** (a side did not ask the double" "a side that skipped /settle"
# target 6: p99 2.17 vs 1.00 ms; rounds +1.0, +2.0, +0.5; calm rounds (round 2's double had 9 % steal) 1 and 3
expect "2.17 vs 1.00 ms (+1.17 ms); rounds +1.0, +2.0, +0.5" "target 6's margin and rounds"
expect "rounds with steal < 5 % on both sides: +1.0, +0.5, median +0.8" "target 6's calm rounds"
expect "**missed** (mean); **met** (calm rounds)" "target 6's verdicts"
expect "700 vs 750 req/s" "target 6's two rates"
# target 5 (ledger): 1.90 ×, but 3.9 / 2.2 = 1.77 to 4.1 / 2.0 = 2.05 within JMH's error bars
expect "= 1.90 × (1.77–2.05 × within the error bars) | ≤ 2 | **met** (the error bars cross the line) |" "error bars"
# target 5 (routes): one hot path each is within 2 ×, the spread of paths is not (250 / 100 ns)
expect "110 / 100 ns = 1.10 ×; 50 / 50 ns = 1.00 ×; 250 / 100 ns = 2.50 × | ≤ 2 | **missed** |" "routes, spread decides"
# the same run with one 402 answered 200 instead: target 1 has no verdict
sed -i '0,/^t1.challenge_402 900 400 5000 9000 /s//t1.challenge_402 900 400 5000 8999 /' "$RUN/results.txt"
out=$(benchmarks/summary.sh "$RUN") || { echo "FAILED: benchmarks/summary.sh exited with $?" >&2; exit 1; }
expect "**invalid run** (t1.challenge_402 had failed requests)" "a 402 run with a response that was not a 402"
if [ "$failed" = 0 ]; then echo "summary-test: all checks passed"; else echo "$out" >&2; exit 1; fi
