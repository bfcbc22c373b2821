#!/usr/bin/env bash
# Builds and runs the JMH benchmarks (not part of `mvn verify`: the module is only in the -Pbenchmarks profile).
# Arguments go to JMH; without any, runs the local verification benchmark on one thread
# (LedgerClaimBenchmark needs Redis and PostgreSQL, see docs/benchmarks.md).
#   benchmarks/run.sh                          # defaults below
#   benchmarks/run.sh LocalVerification -f 3   # more forks
#   benchmarks/run.sh -h                       # JMH's options
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -Pbenchmarks -pl benchmarks -am package -DskipTests
if [ "$#" -eq 0 ]; then
  set -- LocalVerificationBenchmark -t 1 -rf text -rff benchmarks/target/result.txt
fi
exec java -jar benchmarks/target/benchmarks.jar "$@"
