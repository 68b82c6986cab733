#!/usr/bin/env bash
# The Customers page with a million customers in one business (and 200,000 in another): p50/p95/max
# of each page shape through the query layer in-process, then as the whole HTML page from a Release
# server on 127.0.0.1 (signed in by a CLI-made link, as a person is), then a report of all 1,000,000
# rows (time, RSS). Loopback only; stops by itself (the server too). See ../README.md.
# Usage: bench/customers-dashboard/run.sh [customers=1000000] [runs-per-shape=50]
#        REUSE=1 bench/customers-dashboard/run.sh   (time again on the database a run seeded)
#        BENCH_DB=… PORT=… (defaults clientele_bench_dash_customers, 5497)
#        WARMUP_ROUNDS=30 (each page shape served this many times over HTTP before any is timed, so the JIT has tiered up)
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$(pwd)"
count="${1:-1000000}"
runs="${2:-50}"
db="${BENCH_DB:-clientele_bench_dash_customers}"
pg_port="${CLIENTELE_PG_PORT:-5432}"
export PGPASSWORD=clientele
export ConnectionStrings__Clientele="Host=127.0.0.1;Port=$pg_port;Database=$db;Username=clientele;Password=clientele"
export ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning Database__MigrateOnStartup=false

step() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }

step "Building the server and the bench (Release)"
dotnet build bench/customers-dashboard/CustomersBench/CustomersBench.csproj -c Release --nologo -v quiet -clp:NoSummary
cli() { (cd "$root/src/Clientele/bin/Release/net10.0" && dotnet Clientele.dll "$@"); }
bench() { dotnet "$root/bench/customers-dashboard/CustomersBench/bin/Release/net10.0/CustomersBench.dll" "$@"; }
if [ "${REUSE:-0}" = 1 ]; then
  # A database an earlier run seeded (the seed is the slow part): only the reports it made are dropped.
  bus="$(psql -h 127.0.0.1 -p "$pg_port" -U clientele -d "$db" -XAtc "SELECT id FROM businesses WHERE name = 'Bench Co'")"
  psql -h 127.0.0.1 -p "$pg_port" -U clientele -d "$db" -XAtqc "DELETE FROM customer_reports"
  cli migrate >/dev/null
else
  scripts/provision.sh --recreate "$db"
  cli migrate >/dev/null
  bus="$(cli businesses create --name "Bench Co" --json | sed -n 's/.*"business_id":"\([^"]*\)".*/\1/p')"
  other="$(cli businesses create --name "Other Co" --json | sed -n 's/.*"business_id":"\([^"]*\)".*/\1/p')"
  step "Seeding $count customers (+200,000 in another business)"
  start=$(date +%s)
  psql -h 127.0.0.1 -p "$pg_port" -U clientele -d "$db" -X -q -v n="$count" -v bus="$bus" -v other="$other" -f bench/customers-dashboard/seed.sql
  step "Seeded in $(( $(date +%s) - start )) s; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
fi

step "Timing the list ($runs runs per shape)"
bench list "$bus" "$runs"
step "Load average: $(cut -d' ' -f1-3 /proc/loadavg)"

port="${PORT:-5497}"
server_log="$(mktemp)"
step "Starting a Release server on 127.0.0.1:$port"
(cd "$root/src/Clientele/bin/Release/net10.0" && Urls="http://127.0.0.1:$port" exec dotnet Clientele.dll) >"$server_log" 2>&1 &
server=$!
stop_server() { kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -f "$server_log"; }
trap stop_server EXIT
for _ in $(seq 1 120); do curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.5; done
curl -fsS "http://127.0.0.1:$port/health" >/dev/null || { cat "$server_log"; exit 1; }
# An owner of the bench business, signed in through the single-use link the CLI prints (no back door).
link="$(cli users invite --business "$bus" --email "bench-$(date +%s)-$$@example.com" --role owner --json \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["sign_in_link"])')"
step "Timing the whole page over HTTP ($runs runs per shape)"
bench http "http://127.0.0.1:$port" "$link" "$runs"
step "Load average: $(cut -d' ' -f1-3 /proc/loadavg)"
stop_server
trap - EXIT

step "A report of every customer, the five fixed columns"
bench report "$bus" name,customer_id,email,phone,created_at
step "A report of every customer, all nine columns"
bench report "$bus" name,customer_id,email,phone,created_at,total_spent,active_subscriptions,wallet_balances,last_payment
step "Load average: $(cut -d' ' -f1-3 /proc/loadavg)"
