#!/usr/bin/env bash
# Customer list latency with a million customers in one business (plus another business's
# 200k rows, so tenant filtering is real). Loopback only; stops by itself.
# Usage: bench/customers/run.sh [customers=1000000] [requests-per-query=40]
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$(pwd)"
count="${1:-1000000}"
requests="${2:-40}"
db=clientele_bench_customers
port=5091

scripts/provision.sh --recreate "$db"
dotnet build "$root/src/Clientele" -c Release --nologo -v quiet -clp:NoSummary >/dev/null
export ConnectionStrings__Clientele="Host=127.0.0.1;Port=${CLIENTELE_PG_PORT:-5432};Database=$db;Username=clientele;Password=clientele"
export ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning
app=(dotnet "$root/src/Clientele/bin/Release/net10.0/Clientele.dll")
"${app[@]}" migrate >/dev/null
bus="$("${app[@]}" businesses create --name "Bench Co" --json | sed -n 's/.*"business_id":"\([^"]*\)".*/\1/p')"
other="$("${app[@]}" businesses create --name "Other Co" --json | sed -n 's/.*"business_id":"\([^"]*\)".*/\1/p')"
key="$("${app[@]}" api-keys create --business "$bus" --mode test --json | sed -n 's/.*"api_key":"\([^"]*\)".*/\1/p')"

echo "Inserting $count customers (+200000 in another business)…" >&2
start=$(date +%s)
PGPASSWORD=clientele psql -h 127.0.0.1 -p "${CLIENTELE_PG_PORT:-5432}" -U clientele -d "$db" -q -v ON_ERROR_STOP=1 <<SQL
INSERT INTO customers (id, business_id, mode, name, email, created_at, updated_at)
SELECT 'cus_b' || lpad(g::text, 23, '0'), '$bus', 'test',
       (ARRAY['Ada','Grace','Alan','Edsger','Barbara','Donald','Margaret','Linus','Ken','Radia'])[1 + g % 10] || ' ' ||
       (ARRAY['Lovelace','Hopper','Turing','Dijkstra','Liskov','Knuth','Hamilton','Torvalds','Thompson','Perlman'])[1 + (g / 10) % 10] || ' ' || g,
       'user' || g || '@example.com',
       now() - (g || ' seconds')::interval, now() - (g || ' seconds')::interval
FROM generate_series(1, $count) g;
INSERT INTO customers (id, business_id, mode, name, email, created_at, updated_at)
SELECT 'cus_o' || lpad(g::text, 23, '0'), '$other', 'test', 'Other ' || g, 'user' || g || '@example.com', now() - (g || ' seconds')::interval, now()
FROM generate_series(1, 200000) g;
ANALYZE customers;
SQL
echo "Inserted in $(( $(date +%s) - start ))s" >&2

"${app[@]}" --urls "http://127.0.0.1:$port" >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.5; done

measure() {
  local label="$1" query="$2"
  curl -sf -H "Authorization: Bearer $key" "http://127.0.0.1:$port/customers?$query" >/dev/null # warm-up
  for _ in $(seq 1 "$requests"); do
    curl -s -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $key" "http://127.0.0.1:$port/customers?$query"
  done | sort -n | awk -v label="$label" '{ t[NR] = $1 * 1000 } END {
    printf "| %-34s | %6.1f | %6.1f | %6.1f |\n", label, t[int(NR * 0.5)], t[int(NR * 0.95)], t[NR] }'
}

echo
echo "| query ($count customers, $requests requests each) | p50 ms | p95 ms | max ms |"
echo "|---|---|---|---|"
measure "first page (newest first)" "page_size=10"
measure "page 1000 of 10" "page_number=1000&page_size=10"
measure "page 100 of 100" "page_number=100&page_size=100"
measure "email exact (case-insensitive)" "email=USER777777%40example.com"
measure "name partial, common (\"hopper\")" "name=hopper"
measure "name partial, rare (\"999999\")" "name=999999"
measure "created_at window (one hour)" "created_at_gte=$(date -u -d '-2 hours' +%FT%TZ)&created_at_lte=$(date -u -d '-1 hours' +%FT%TZ)"
