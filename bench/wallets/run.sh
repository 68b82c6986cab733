#!/usr/bin/env bash
# Wallet ledger benchmark: entries per second on one hot wallet and across many wallets, over HTTP
# against a real server, then the same statement through pgbench, and pgbench's built-in
# simple-update for scale. Loopback only; every phase is time-bounded. See README.md.
# Usage: bench/wallets/run.sh   (SECONDS_PER_RUN, CONCURRENCY, SPREAD_CUSTOMERS, BENCH_PORT to tune)
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$(pwd)"
db=clientele_bench
seconds="${SECONDS_PER_RUN:-15}"
concurrency="${CONCURRENCY:-32}"
spread="${SPREAD_CUSTOMERS:-1000}"
port="${BENCH_PORT:-5399}"
pg_port="${CLIENTELE_PG_PORT:-5432}"
work="$(mktemp -d)"
export PGPASSWORD=clientele
export ConnectionStrings__Clientele="Host=127.0.0.1;Port=$pg_port;Database=$db;Username=clientele;Password=clientele;Maximum Pool Size=100"

step() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
psql_bench() { psql -h 127.0.0.1 -p "$pg_port" -U clientele -d "$db" -X -q -v ON_ERROR_STOP=1 "$@"; }
pgbench_bin="$(ls -d /usr/lib/postgresql/*/bin/pgbench | sort -V | tail -n 1)"

server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

scripts/provision.sh --recreate "$db"

step "Building the server and the load generator (Release)"
dotnet build src/Clientele/Clientele.csproj -c Release --nologo -v quiet -clp:NoSummary
dotnet build bench/wallets/WalletBench/WalletBench.csproj -c Release --nologo -v quiet -clp:NoSummary
server_dir="$root/src/Clientele/bin/Release/net10.0"
cli() { (cd "$server_dir" && dotnet Clientele.dll "$@"); }
json_field() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }

step "Migrating $db and creating a bench business"
cli migrate --json >/dev/null
business="$(cli businesses create --name "Wallet Bench" --json | json_field business_id)"
key="$(cli api-keys create --business "$business" --mode test --name bench --json | json_field api_key)"

step "Starting the server on 127.0.0.1:$port"
(cd "$server_dir" && ASPNETCORE_ENVIRONMENT=Production Urls="http://127.0.0.1:$port" \
  Logging__LogLevel__Default=Warning \
  exec dotnet Clientele.dll) >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 60); do
  curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -fsS "http://127.0.0.1:$port/health" >/dev/null || { cat "$work/server.log"; exit 1; }

step "HTTP: $spread customers set up, then ${seconds}s per scenario, $concurrency requests in flight"
dotnet bench/wallets/WalletBench/bin/Release/net10.0/WalletBench.dll \
  "http://127.0.0.1:$port" "$key" "$seconds" "$concurrency" "$spread" "$work/ids.txt" | tee "$work/http.txt"
kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""

step "pgbench: the same debit statement, $concurrency clients, ${seconds}s each"
hot="$(head -n 1 "$work/ids.txt")"
tail -n +2 "$work/ids.txt" | awk '{ print NR "\t" $0 }' > "$work/spread.tsv"
psql_bench -c "CREATE TABLE bench_customers (n int PRIMARY KEY, customer_id text NOT NULL)"
psql_bench -c "\\copy bench_customers (n, customer_id) FROM '$work/spread.tsv'"
psql_bench -c "VACUUM ANALYZE wallets, wallet_ledger_entries, bench_customers"
pgb() { "$pgbench_bin" -h 127.0.0.1 -p "$pg_port" -U clientele -n -c "$concurrency" -j 2 -T "$seconds" "$@" "$db" 2>&1 | grep -E '^(tps|latency average|number of failed)'; }
echo "pgbench debit, one hot wallet:"; pgb -f bench/wallets/debit-hot.sql -D biz="$business" -D hot="$hot" | tee "$work/pg-hot.txt"
echo "pgbench debit, $spread wallets:"; pgb -f bench/wallets/debit-spread.sql -D biz="$business" -D spread="$spread" | tee "$work/pg-spread.txt"

step "pgbench built-in simple-update (scale 10) for reference"
"$pgbench_bin" -h 127.0.0.1 -p "$pg_port" -U clientele -i -q -s 10 "$db" >/dev/null 2>&1
echo "pgbench simple-update:"; pgb -b simple-update | tee "$work/pg-simple.txt"

step "Checking every balance still equals the sum of its entries"
cli wallets verify
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), PostgreSQL $(psql_bench -tAc 'SHOW server_version')"
