#!/usr/bin/env bash
# Saturation benchmark (issue 15, item 9): two server processes on loopback share one database whose
# connection limit is below what their pools may open together, and a burst of API requests drives both
# past capacity. Every answer must be a 200 or a 503 with Retry-After — never a 500 (e.g. PostgreSQL's
# 53300, "too many connections"). Loopback only; the burst is a fixed number of requests, so it stops by itself.
# Usage: bench/saturation/run.sh   (REQUESTS, CONCURRENCY, POOL, DB_LIMIT, BENCH_PORT to tune)
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$(pwd)"
db=clientele_bench_saturation
requests="${REQUESTS:-4000}"
concurrency="${CONCURRENCY:-200}"
pool="${POOL:-50}"
db_limit="${DB_LIMIT:-40}"
port="${BENCH_PORT:-5411}"
pg_port="${CLIENTELE_PG_PORT:-5432}"
work="$(mktemp -d)"
export PGPASSWORD=clientele
export ConnectionStrings__Clientele="Host=127.0.0.1;Port=$pg_port;Database=$db;Username=clientele;Password=clientele"

step() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

scripts/provision.sh --recreate "$db"

step "Building the server (Release)"
dotnet build src/Clientele/Clientele.csproj -c Release --nologo -v quiet -clp:NoSummary
server_dir="$root/src/Clientele/bin/Release/net10.0"
cli() { (cd "$server_dir" && dotnet Clientele.dll "$@"); }
json_field() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }

step "Migrating $db and creating a business with 200 customers"
cli migrate --json >/dev/null
business="$(cli businesses create --name "Saturation Bench" --json | json_field business_id)"
key="$(cli api-keys create --business "$business" --mode test --name bench --json | json_field api_key)"
psql -h 127.0.0.1 -p "$pg_port" -U clientele -d "$db" -X -q -v ON_ERROR_STOP=1 -c "
  INSERT INTO customers (id, business_id, mode, name, email, metadata, created_at, updated_at)
  SELECT 'cus_sat' || g, '$business', 'test', 'Customer ' || g, 'c' || g || '@example.com', '{}', now(), now()
  FROM generate_series(1, 200) g;"

step "Limiting $db to $db_limit connections (two nodes × pool $pool = $((2 * pool)) could be opened)"
psql -h 127.0.0.1 -p "$pg_port" -U clientele -d postgres -X -q -v ON_ERROR_STOP=1 -c "ALTER DATABASE $db CONNECTION LIMIT $db_limit"

for node in 1 2; do
  node_port=$((port + node - 1))
  step "Starting node $node on 127.0.0.1:$node_port (Database:MaxPoolSize=$pool)"
  (cd "$server_dir" && ASPNETCORE_ENVIRONMENT=Production Urls="http://127.0.0.1:$node_port" \
    Database__MaxPoolSize="$pool" Database__ConnectionWait=00:00:02 Logging__LogLevel__Default=Warning \
    exec dotnet Clientele.dll) >"$work/node$node.log" 2>&1 &
  pids+=($!)
done
for node in 1 2; do
  node_port=$((port + node - 1))
  for _ in $(seq 1 120); do curl -fsS "http://127.0.0.1:$node_port/health" >/dev/null 2>&1 && break; sleep 0.5; done
  curl -fsS "http://127.0.0.1:$node_port/health" >/dev/null || { cat "$work/node$node.log"; exit 1; }
done

step "Burst: $requests requests, $concurrency in flight (one curl, --parallel), alternating between the two nodes"
for n in $(seq 1 "$requests"); do
  printf 'url = "http://127.0.0.1:%d/customers?page_size=100"\noutput = "/dev/null"\n' $((port + n % 2))
done >"$work/urls.cfg"
start=$(date +%s.%N)
curl --parallel --parallel-immediate --parallel-max "$concurrency" -s --no-progress-meter -H "Authorization: Bearer $key" \
  -w '%{url} %{http_code} %header{retry-after}\n' -K "$work/urls.cfg" \
  | awk '{ split($1, u, ":"); split(u[3], p, "/"); node = p[1] - '"$port"' + 1; print node, $2, ($3 == "" ? "" : "retry") }' >"$work/results.txt"
elapsed=$(python3 -c "print(round($(date +%s.%N) - $start, 1))")

step "Results ($elapsed s, load $(cut -d' ' -f1-3 /proc/loadavg))"
sort "$work/results.txt" | uniq -c | awk '{printf "  node %s  HTTP %s %-6s %6d\n", $2, $3, $4, $1}'
errors=$(awk '($2 >= 500 && $2 != 503) || $2 == "000" || $2 == "" {n++} END {print n+0}' "$work/results.txt")
unhinted=$(awk '$2 == 503 && $3 != "retry" {n++} END {print n+0}' "$work/results.txt")
refused=$(awk '$2 == 503 {n++} END {print n+0}' "$work/results.txt")
echo "  503 with Retry-After: $((refused - unhinted)); 503 without: $unhinted; other 5xx or no answer: $errors"
echo "  'fail:' lines in the nodes' logs: $(cat "$work"/node*.log | grep -c 'fail:' || true)"
if [ "$errors" -ne 0 ] || [ "$unhinted" -ne 0 ]; then
  echo "FAIL: saturation must answer 503 with Retry-After, never a 500" >&2
  grep -h -m 5 -A3 "fail:" "$work"/node*.log >&2 || true
  exit 1
fi
[ "$refused" -gt 0 ] || echo "note: no 503 at all — the burst did not reach capacity; raise CONCURRENCY or lower DB_LIMIT" >&2
echo "PASS: 0 × 500 past capacity"
