#!/usr/bin/env bash
# Interop rig: Tollgate's sample against the reference x402 clients, the reference facilitator and a local
# chain (anvil, chain id 84532). Needs the sample jar (`mvn -B -DskipTests install`), Node >= 20, npm, java,
# unzip, and the npm registry; everything it starts listens on 127.0.0.1 only.
#
#   interop/run.sh                      run every scenario; scenarios whose feature is not built are skipped
#   INTEROP_REQUIRE_ALL=1 interop/run.sh   a skipped scenario fails the run
#   INTEROP_TIMEOUT=480                 bound on the whole run, in seconds (default 480)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
total="${INTEROP_TIMEOUT:-480}"
started=$(date +%s)
remaining() { echo $(( total - ($(date +%s) - started) )); }
fail() { echo "interop: FAILED: $*" >&2; exit 1; }

for tool in node npm java unzip timeout; do
  command -v "$tool" >/dev/null || fail "'$tool' is not installed"
done
node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' || fail "Node >= 20 is required (found $(node --version))"

jar="${TOLLGATE_SAMPLE_JAR:-$here/../sample-webapp/target/tollgate-sample.jar}"
[ -f "$jar" ] || fail "$jar is missing: build it first with 'mvn -B -DskipTests install'"
export TOLLGATE_SAMPLE_JAR="$(cd "$(dirname "$jar")" && pwd)/$(basename "$jar")"

# The rig's dependencies come from the npm registry and nowhere else. If it cannot be reached the rig has
# not run, and that must not look like success.
registry="$(npm config get registry 2>/dev/null)"
if ! timeout 30 npm ping >/dev/null 2>&1; then
  fail "the npm registry ($registry) is unreachable, so the interop rig cannot install its pinned packages and did NOT run"
fi

# npm ci from the committed lockfile; skipped when node_modules was installed from this very lockfile.
lock_sum="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ "$(cat node_modules/.interop-lock-sha256 2>/dev/null || true)" != "$lock_sum" ]; then
  echo "interop: npm ci (registry $registry)"
  timeout "$(remaining)" npm ci --no-audit --no-fund --loglevel=error \
    || fail "npm ci failed (registry $registry)"
  echo "$lock_sum" > node_modules/.interop-lock-sha256
else
  echo "interop: node_modules matches package-lock.json; npm ci not needed"
fi

node -e '
  const pkgs = Object.keys(require("./package.json").dependencies);
  const v = pkgs.map((p) => `${p}@${require(`./node_modules/${p}/package.json`).version}`);
  console.log(`interop: node ${process.version}; ${v.join(", ")}`);'
echo "interop: sample jar $TOLLGATE_SAMPLE_JAR"

mkdir -p .out
rm -f .out/rig.log
left="$(remaining)"
[ "$left" -gt 30 ] || fail "no time left for the scenarios (INTEROP_TIMEOUT=$total)"
echo "interop: running the scenarios (at most ${left}s; rig log in interop/.out/rig.log)"
set +e
# timeout signals its whole process group, so anvil and the sample JVMs go down with the runner.
timeout --kill-after=10 "$left" node --test --test-reporter=spec --test-concurrency=1 test/ 2>&1 | tee .out/transcript.txt
status=${PIPESTATUS[0]}
set -e

pass=$(sed -n 's/^ℹ pass \([0-9]*\)$/\1/p' .out/transcript.txt)
failed=$(sed -n 's/^ℹ fail \([0-9]*\)$/\1/p' .out/transcript.txt)
skipped=$(sed -n 's/^ℹ skipped \([0-9]*\)$/\1/p' .out/transcript.txt)
cancelled=$(sed -n 's/^ℹ cancelled \([0-9]*\)$/\1/p' .out/transcript.txt)
echo "interop: ${pass:-0} passed, ${failed:-?} failed, ${skipped:-?} skipped, ${cancelled:-?} cancelled in $(( $(date +%s) - started ))s"
if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
  fail "the scenarios did not finish within ${left}s"
fi
[ "$status" -eq 0 ] || fail "scenarios failed (exit $status); see interop/.out/rig.log"
[ "${pass:-0}" -gt 0 ] || fail "no scenario passed"
if [ "${skipped:-0}" -gt 0 ]; then
  grep -o 'SKIPPED: .*' .out/transcript.txt | sort -u | sed 's/^/interop: /'
  [ "${INTEROP_REQUIRE_ALL:-0}" = 1 ] && fail "${skipped} scenario(s) skipped and INTEROP_REQUIRE_ALL=1"
fi
echo "interop: OK"
