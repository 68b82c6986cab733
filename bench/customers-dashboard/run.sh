#!/usr/bin/env bash
# The Customers page's query layer with a million customers in one business (and 200,000 in
# another): p50/p95/max of each page shape, then a report of all 1,000,000 rows (time, RSS).
# Loopback only; stops by itself. See ../README.md.
# Usage: bench/customers-dashboard/run.sh [customers=1000000] [runs-per-shape=50]
#        REUSE=1 bench/customers-dashboard/run.sh   (time again on the database a run seeded)
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$(pwd)"
count="${1:-1000000}"
runs="${2:-50}"
db=clientele_bench_dashboard
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

step "A report of every customer, the five fixed columns"
bench report "$bus" name,customer_id,email,phone,created_at
step "A report of every customer, all nine columns"
bench report "$bus" name,customer_id,email,phone,created_at,total_spent,active_subscriptions,wallet_balances,last_payment
step "Load average: $(cut -d' ' -f1-3 /proc/loadavg)"
