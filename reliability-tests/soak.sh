#!/usr/bin/env bash
# The soak (not part of `mvn verify`): both bindings on embedded Jetty under steady mixed load at 300 req/s
# for SECONDS (default 600), heap after GC / live threads / open descriptors sampled every 30 s into
# reliability-tests/target/soak.csv, and the test fails if any of them keeps growing after the second minute
# or any answer is not the expected one. Loopback only.
#
#   reliability-tests/soak.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-600}"
mvn -B ${MVN_OFFLINE:--o} -pl reliability-tests -am test -Dtest=SoakTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dtollgate.soak=true -Dtollgate.soak.seconds="$seconds" 2>&1 | grep -E "soak |Tests run|FAIL|BUILD" || true
cat reliability-tests/target/soak.csv
