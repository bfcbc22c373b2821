#!/usr/bin/env bash
# Runs every Jazzer fuzz target of this module in fuzzing mode, one after the other (Jazzer fuzzes one
# target per JVM), each for DURATION (default 10m), and prints the execution count libFuzzer reports.
#
#   reliability-tests/fuzz.sh [DURATION] [Class#method ...]
#
# The generated corpus goes to reliability-tests/.cifuzz-corpus/ (not committed); a finding is written to
# src/test/resources/dev/tollgate/reliability/fuzz/<Class>Inputs/<method>/ and from then on runs as a
# regression test in every `mvn verify`. Logs: reliability-tests/target/fuzz/<Class>-<method>.log
# FUZZ_ARGLINE passes JVM options to the fuzzing JVM, e.g. FUZZ_ARGLINE=-Xmx256m to show memory stays bounded
# (without it the JVM grows its heap to the default maximum, a quarter of RAM, before collecting much).
set -uo pipefail
cd "$(dirname "$0")/.."
duration="${1:-10m}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(
    WireFuzzTest#headerCodecDecodesOrRefuses
    GateFuzzTest#noHeaderIsAdmittedForOtherTermsOrAnswersA500
    WireFuzzTest#wireJsonReadsOrRefuses
    PathFuzzTest#firewallPassesOnlyCanonicalPaths
    PathFuzzTest#routePatternsParseOrAreRefused
    PriceFuzzTest#pricesParseExactlyOrAreRefused
    CodeWireFuzzTest#codeMessagesDecodeOrAreRefused
  )
fi
mkdir -p reliability-tests/target/fuzz
offline=${MVN_OFFLINE:--o}
for t in "${targets[@]}"; do
  log="reliability-tests/target/fuzz/${t/\#/-}.log"
  start=$(date +%s)
  # -am: build the core from this tree, not whatever another checkout installed into ~/.m2.
  # junit-platform.properties turns Jazzer's hooks off for the CI regression runs (they cost ~25 s of start-up
  # and add nothing there); fuzzing needs them (TraceCmpHooks feed comparisons back to the mutator).
  JAZZER_FUZZ=1 JAZZER_MAX_DURATION="$duration" JAZZER_HOOKS=true mvn -B $offline -pl reliability-tests -am test \
    -Dtest="$t" -Dsurefire.failIfNoSpecifiedTests=false -Djazzer.max_duration="$duration" -Djazzer.hooks=true -DargLine="${FUZZ_ARGLINE:-}" \
    >"$log" 2>&1
  rc=$?
  end=$(date +%s)
  done_line=$(grep -aE "^Done [0-9]+ runs in [0-9]+ second" "$log" | tail -1)
  last_stat=$(grep -aE "^#[0-9]+" "$log" | tail -1)
  echo "$t rc=$rc wall=$((end - start))s ${done_line:-no Done line} | ${last_stat:-no stats}"
done
