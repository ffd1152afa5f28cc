#!/usr/bin/env bash
# The one test command (`npm test`): installs what is missing, checks types and lint, builds,
# brings the lab up, runs the unit, lab and browser suites, and always tears the lab down.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
# Node 24 from node_modules first, whatever node started us.
export PATH="$PWD/node_modules/.bin:$PATH"
hash -r

if [[ $(id -u) != 0 ]]; then
  echo "test: the lab (real sshd + dockerd nodes in network namespaces) needs root; run as root" >&2
  exit 1
fi

echo "== typecheck, lint, build"
npm run --silent typecheck
npm run --silent lint
electron-vite build --logLevel warn
touch out/.build-stamp # so `npm start` does not build the same sources again

mkdir -p test-results
results=test-results/vitest.json
rm -f "$results"
teardown() { node scripts/lab/cli.ts down || true; }
trap teardown EXIT

echo "== lab up"
node scripts/lab/cli.ts up

echo "== tests"
status=0
vitest run --reporter=default --reporter=json --outputFile.json="$results" || status=$?

trap - EXIT
echo "== lab down"
teardown

# Under sudo, hand what the run wrote back to the user, so their own builds keep working.
if [[ -n ${SUDO_UID:-} ]]; then
  chown -R "$SUDO_UID:${SUDO_GID:-$SUDO_UID}" out test-results node_modules .lab ./*.tsbuildinfo 2>/dev/null || true
fi

# One closing line any CI reader understands, from the runner's own counts.
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`)
' "$results" || echo "tests: 0 passed, 1 failed"
exit "$status"
