#!/usr/bin/env bash
# Checks benchmarks/side-by-side.sh's summary on made-up results whose figures are known: each build's pairs, the
# gate's CPU, the ratio of the rounds' totals and round by round, and a pair with a failed request. No server:
#   benchmarks/test/side-by-side-test.sh     (prints each failed check, exits 1 if any)
set -euo pipefail
cd "$(dirname "$0")/../.."
RESULTS=$(mktemp)
trap 'rm -f "$RESULTS"' EXIT
# ROUND LABEL ROUTE requests/s cpu_us non2xx+errors
cat > "$RESULTS" <<'LINES'
1 old servlet_paid 800 40.0 0
1 old servlet_free 1000 30.0 0
1 old jaxrs_paid 600 70.0 0
1 old jaxrs_free 800 50.0 0
1 new servlet_paid 900 36.0 0
1 new servlet_free 1000 30.0 0
1 new jaxrs_paid 700 60.0 2
1 new jaxrs_free 800 50.0 0
2 new servlet_paid 700 38.0 0
2 new servlet_free 1000 32.0 0
2 new jaxrs_paid 700 60.0 0
2 new jaxrs_free 800 50.0 0
2 old servlet_paid 600 44.0 0
2 old servlet_free 1000 30.0 0
2 old jaxrs_paid 600 70.0 0
2 old jaxrs_free 800 50.0 0
LINES
out=$(benchmarks/side-by-side.sh summarize "$RESULTS")
failed=0
expect() { # TEXT: a line of the summary must contain it
  if ! grep -qF -- "$1" <<< "$out"; then echo "missing: $1" >&2; failed=1; fi
}
expect "| old | servlet | 42.0 / 30.0 | +12.0 µs | 0.70 × | 0.80, 0.60 |"
expect "| old | jaxrs | 70.0 / 50.0 | +20.0 µs | 0.75 × | 0.75, 0.75 |"
expect "| new | servlet | 37.0 / 31.0 | +6.0 µs | 0.80 × | 0.90, 0.70 |"
expect "| new | jaxrs | invalid run: 2 failed requests |"
# Builds in the order they first appear, not sorted.
if [ "$(grep -c '^| old' <<< "$out")" != 2 ] || ! head -3 <<< "$out" | tail -1 | grep -q '^| old'; then
  echo "builds out of order" >&2; failed=1
fi
if [ "$failed" = 0 ]; then echo "side-by-side-test: all checks passed"; else echo "$out" >&2; exit 1; fi
