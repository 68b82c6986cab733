#!/usr/bin/env bash
# The "test" command: provisions PostgreSQL and a fresh test database, installs the SDK harness,
# builds, and runs the whole suite against real PostgreSQL. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
db="${CLIENTELE_TEST_DB:-clientele_test}"

step() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }

scripts/provision.sh --recreate "$db"

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  step "Installing Node.js and npm from Debian's packages (for the SDK compatibility run)"
  if [ "$(id -u)" -eq 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; fi
fi
# The browser tests drive the machine's Chromium through Playwright; no browser is ever downloaded.
if [ ! -x /usr/bin/chromium ]; then
  step "Installing Chromium from Debian's packages (for the portal's browser tests)"
  if [ "$(id -u)" -eq 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; fi
fi
step "Installing the official dodopayments SDK (tests/sdk)"
(cd tests/sdk && npm ci --no-audit --no-fund --loglevel=error >/dev/null)

step "Building"
dotnet build "$root/Clientele.slnx" -c Release --nologo -v quiet -clp:NoSummary

step "Checking package licences (no AGPL/GPL or commercial-only, transitive ones included)"
scripts/check-licences.sh

step "Checking formatting"
dotnet format "$root/Clientele.slnx" --verify-no-changes --no-restore -v quiet

step "Running the test suite"
export CLIENTELE_TEST_DB="$db"
results="$root/artifacts/test-results"
rm -rf "$results"
set +e
dotnet test "$root/Clientele.slnx" -c Release --no-build --nologo \
  --logger "console;verbosity=normal" --logger "trx;LogFileName=results.trx" --results-directory "$results"
status=$?
set -e

# The scale-out smoke run (deploy/smoke.sh, about a minute): two nodes behind nginx, one SIGKILLed
# mid-run; nothing lost or doubled. Its own database and ports 5180-5184.
step "Scale-out smoke run (deploy/smoke.sh)"
set +e
deploy/smoke.sh
smoke=$?
set -e
[ "$smoke" -eq 0 ] || status=1

# One plain closing line: "N passed, N failed".
if compgen -G "$results/*.trx" >/dev/null; then
  counters="$(grep -ho '<Counters [^>]*>' "$results"/*.trx | head -n 1)"
  passed="$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")"
  failed="$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")"
  total="$(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$counters")"
  skipped=$(( ${total:-0} - ${passed:-0} - ${failed:-0} ))
  echo "tests: ${passed:-0} passed, ${failed:-0} failed, ${skipped} skipped"
fi
exit "$status"
