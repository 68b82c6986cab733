#!/usr/bin/env bash
# Portal pages and GET /customers/{id} beside a floor app (issues 12 and 17), alternated in one run.
#
# Makes a fresh database, seeds it with the product's own CLI and API (plus set-based SQL for the
# catalogue, cards and subscriptions, which the product then renews itself), starts a Release server
# and the floor app (bench/floor) on 127.0.0.1, signs a customer in to the portal as a customer does
# (dynamic link from the API, GET the link page, POST its form), then for each workload: a warm-up on
# each side, and ROUNDS rounds of SECONDS_PER_ROUND seconds product, then floor, with wrk (CONNECTIONS
# connections, one thread, pinned to core LOAD_CORE). Reports req/s, p50/p99, product ÷ floor, CPU per
# request, RSS and the load average; and, run as root, the statements each portal page sends (from
# PostgreSQL's log with log_statement = all, on this database only, for a customer with 5 and with 40
# subscriptions). Loopback only; everything it starts it stops. See bench/README.md, "Portal pages".
# Usage: bench/portal/run.sh
#   SECONDS_PER_ROUND=10 WARMUP_SECONDS=5 ROUNDS=3 CONNECTIONS=32 LOAD_CORE=1 OTHERS=2000 TIMEOUT_SECONDS=5
#   COUNT_STATEMENTS=0 (skip the statement count)
#   BENCH_DB=clientele_bench_portal_run BENCH_PORT=5500 (the floor listens on BENCH_PORT + 1)
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$(pwd)"
db="${BENCH_DB:-clientele_bench_portal_run}"
port="${BENCH_PORT:-5500}"
floor_port=$((port + 1))
seconds="${SECONDS_PER_ROUND:-10}"
warmup="${WARMUP_SECONDS:-5}"
rounds="${ROUNDS:-3}"
connections="${CONNECTIONS:-32}"
core="${LOAD_CORE:-1}"
others="${OTHERS:-2000}"
pg_port="${CLIENTELE_PG_PORT:-5432}"
work="$(mktemp -d)"
base="http://127.0.0.1:$port"
floor="http://127.0.0.1:$floor_port"
export PGPASSWORD=clientele DOTNET_NOLOGO=1 ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning
export ConnectionStrings__Clientele="Host=127.0.0.1;Port=$pg_port;Database=$db;Username=clientele;Password=clientele"
export PublicUrls__Live="$base" PublicUrls__Test="$base/test"

step() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
sql() { psql -h 127.0.0.1 -p "$pg_port" -U clientele -d "$db" -X -q -v ON_ERROR_STOP=1 "$@"; }
as_postgres_sql() { runuser -u postgres -- psql -p "$pg_port" -X -q -v ON_ERROR_STOP=1 "$@"; }
json_field() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }
server_dir="$root/src/Clientele/bin/Release/net10.0"
floor_dir="$root/bench/floor/bin/Release/net10.0"
cli() { (cd "$server_dir" && dotnet Clientele.dll "$@"); }

server_pid="" floor_pid="" logging_on=0
stop_server() { if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; server_pid=""; fi; }
stop_floor() { if [ -n "$floor_pid" ]; then kill "$floor_pid" 2>/dev/null || true; wait "$floor_pid" 2>/dev/null || true; floor_pid=""; fi; }
cleanup() {
  stop_server
  stop_floor
  if [ "$logging_on" = 1 ]; then as_postgres_sql -c "ALTER DATABASE \"$db\" RESET log_statement" 2>/dev/null || true; fi
  if [ -n "${RESULTS_DIR:-}" ]; then mkdir -p "$RESULTS_DIR" && cp "$work"/*.tsv "$work"/*.txt "$work"/*.log "$RESULTS_DIR"/ 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
# RESULTS_DIR=…: keep the raw figures (rounds.tsv, waits.tsv, statements.tsv, one-*.txt, logs) there.

wait_ready() { # url log
  for _ in $(seq 1 120); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.5; done
  cat "$2" >&2; echo "not ready: $1" >&2; exit 1
}
start_server() {
  (cd "$server_dir" && exec dotnet Clientele.dll --urls "$base") >>"$work/server.log" 2>&1 &
  server_pid=$!
  wait_ready "$base/health" "$work/server.log"
}
start_floor() {
  (cd "$floor_dir" && Floor__BusinessId="$business" exec dotnet Floor.dll --urls "$floor") >>"$work/floor.log" 2>&1 &
  floor_pid=$!
  wait_ready "$floor/rows" "$work/floor.log"
}

if ! command -v wrk >/dev/null; then
  step "Installing wrk (Debian's package)"
  apt-get install -y -qq wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
fi

step "Building the server and the floor app (Release)"
dotnet build src/Clientele/Clientele.csproj -c Release --nologo -v quiet -clp:NoSummary >/dev/null
dotnet build bench/floor/Floor.csproj -c Release --nologo -v quiet -clp:NoSummary >/dev/null

step "Fresh database $db: migrate, a business, an API key"
scripts/provision.sh --recreate "$db" 2>/dev/null
cli migrate --json >/dev/null
business="$(cli businesses create --name "Portal Bench" --json | json_field business_id)"
key="$(cli api-keys create --business "$business" --mode test --name bench --json | json_field api_key)"
auth=(-H "Authorization: Bearer $key")

step "Starting the server on $base"
start_server
api() { curl -fsS "${auth[@]}" -H 'Content-Type: application/json' "$@"; }
light="$(api -d '{"name":"Ada Lovelace","email":"ada@example.com"}' "$base/customers" | json_field customer_id)"
heavy="$(api -d '{"name":"Grace Hopper","email":"grace@example.com"}' "$base/customers" | json_field customer_id)"

step "Seeding cards, subscriptions and $others background customers (SQL), then renewing with the product"
sql -v bus="$business" -v light="$light" -v heavy="$heavy" -v others="$others" -f bench/portal/seed.sql
cli subscriptions renew --business "$business" --json >"$work/renew.json"
for _ in $(seq 1 60); do # the server's own renewal worker may be renewing them too
  left="$(sql -tAc "SELECT (SELECT count(*) FROM subscriptions WHERE status = 'active' AND next_billing_date <= now())
                        + (SELECT count(*) FROM subscription_charges WHERE status = 'processing')")"
  [ "$left" -eq 0 ] && break; sleep 1
done
for customer in "$light" "$heavy"; do
  for i in $(seq 1 22); do
    api -o /dev/null -d "{\"amount\":$((100 * i)),\"currency\":\"USD\",\"entry_type\":\"credit\",\"reason\":\"Credit $i\"}" "$base/customers/$customer/wallets/ledger-entries"
  done
  for i in 1 2 3; do
    api -o /dev/null -d "{\"amount\":$((250 * i)),\"currency\":\"EUR\",\"entry_type\":\"credit\",\"reason\":\"Credit $i\"}" "$base/customers/$customer/wallets/ledger-entries"
  done
  api -o /dev/null -d '{"amount":150,"currency":"USD","entry_type":"debit","reason":"Debit"}' "$base/customers/$customer/wallets/ledger-entries"
done
PGOPTIONS="-c client_min_messages=error" sql -c "VACUUM ANALYZE"
seeded="$(sql -tA -F ' ' -c "SELECT
  (SELECT count(*) FROM subscriptions WHERE customer_id = '$light'), (SELECT count(*) FROM subscriptions WHERE customer_id = '$light' AND status = 'on_hold'),
  (SELECT count(*) FROM payments WHERE customer_id = '$light'), (SELECT count(*) FROM invoices i JOIN payments p ON p.id = i.payment_id WHERE p.customer_id = '$light'),
  (SELECT count(*) FROM wallet_ledger_entries WHERE customer_id = '$light'),
  (SELECT count(*) FROM subscriptions WHERE customer_id = '$heavy'), (SELECT count(*) FROM payments WHERE customer_id = '$heavy'),
  (SELECT count(*) FROM customers)")"
read -r l_subs l_hold l_pay l_inv l_led h_subs h_pay n_cust <<<"$seeded"
echo "light customer: $l_subs subscriptions ($l_hold on hold), $l_pay payments, $l_inv invoices, $l_led wallet entries; heavy: $h_subs subscriptions, $h_pay payments; $n_cust customers in all" >&2

# A customer's way in: the merchant's API makes a dynamic link; GET shows a page whose form POSTs.
sign_in() { # customer -> cookie value
  local link jar token status
  link="$(api -X POST "$base/customers/$1/customer-portal/session" | json_field link)"
  jar="$work/jar-$1"
  curl -fsS -c "$jar" -b "$jar" -o "$work/link.html" "$link"
  token="$(grep -o 'name="__RequestVerificationToken" type="hidden" value="[^"]*"' "$work/link.html" | head -n 1 | sed 's/.*value="//; s/"$//')"
  status="$(curl -sS -c "$jar" -b "$jar" -o /dev/null -w '%{http_code}' --data-urlencode "__RequestVerificationToken=$token" "$link")"
  [ "$status" = 302 ] || { echo "sign-in POST answered $status" >&2; exit 1; }
  awk '$6 == "clientele_test" { print $7 }' "$jar"
}
light_cookie="$(sign_in "$light")"
heavy_cookie="$(sign_in "$heavy")"
pages=(overview subscriptions wallets)
for page in "${pages[@]}"; do
  for cookie in "$light_cookie" "$heavy_cookie"; do
    status="$(curl -sS -o "$work/$page.html" -w '%{http_code}' -H "Cookie: clientele_test=$cookie" "$base/test/session/$page")"
    [ "$status" = 200 ] || { echo "GET /test/session/$page answered $status" >&2; exit 1; }
  done
done
grep -q "Ada Lovelace\|Grace Hopper" "$work/overview.html" || { echo "the overview does not show the customer" >&2; exit 1; }

# Statements per page view, from PostgreSQL's log (log_statement = all on this database only).
pg_log="$(ls /var/log/postgresql/postgresql-*-main.log 2>/dev/null | sort -V | tail -n 1 || true)"
if [ "${COUNT_STATEMENTS:-1}" = 1 ] && [ "$(id -u)" -eq 0 ] && [ -n "$pg_log" ]; then
  step "Counting the statements of each portal page (log_statement = all on $db, 50 views each)"
  as_postgres_sql -c "ALTER DATABASE \"$db\" SET log_statement = 'all'"; logging_on=1
  stop_server; start_server
  count_window() { # cookie page n -> statements in the log during n sequential views
    local from; from="$(stat -c %s "$pg_log")"
    for _ in $(seq 1 "$3"); do curl -fsS -o /dev/null -H "Cookie: clientele_test=$1" "$base/test/session/$2"; done
    sleep 0.5
    tail -c +"$((from + 1))" "$pg_log" | grep -c "@$db LOG:  \(execute\|statement:\)" || true
  }
  idle_window() { local from; from="$(stat -c %s "$pg_log")"; sleep "$1"; tail -c +"$((from + 1))" "$pg_log" | grep -c "@$db LOG:  \(execute\|statement:\)" || true; }
  for page in "${pages[@]}"; do count_window "$light_cookie" "$page" 3 >/dev/null; done # first views
  : >"$work/statements.tsv"
  for page in "${pages[@]}"; do
    for who in light heavy; do
      cookie="$light_cookie"; [ "$who" = heavy ] && cookie="$heavy_cookie"
      start_ns="$(date +%s%N)"; n="$(count_window "$cookie" "$page" 50)"; took=$(( ($(date +%s%N) - start_ns) / 1000000 ))
      background="$(idle_window "$(python3 -c "print($took / 1000)")")"
      printf '%s\t%s\t%s\t%s\n' "$page" "$who" "$n" "$background" >>"$work/statements.tsv"
    done
    # One view's statements, first line of each, for the report.
    from="$(stat -c %s "$pg_log")"
    curl -fsS -o /dev/null -H "Cookie: clientele_test=$light_cookie" "$base/test/session/$page"; sleep 0.5
    tail -c +"$((from + 1))" "$pg_log" | grep "@$db LOG:  \(execute\|statement:\)" | sed 's/.*LOG:  //' | cut -c1-110 >"$work/one-$page.txt" || true
  done
  as_postgres_sql -c "ALTER DATABASE \"$db\" RESET log_statement"; logging_on=0
  stop_server; start_server
else
  echo "(COUNT_STATEMENTS=0, not root or no PostgreSQL log file: statements per page not counted)" >&2
fi

step "Starting the floor app on $floor"
start_floor
curl -fsS "${auth[@]}" "$floor/customers/$light" >"$work/floor-customer.json"
curl -fsS "${auth[@]}" "$base/customers/$light" >"$work/product-customer.json"
cmp -s "$work/floor-customer.json" "$work/product-customer.json" || { echo "the floor's customer JSON differs from the product's:" >&2; cat "$work"/*-customer.json >&2; exit 1; }

cat >"$work/report.lua" <<'EOF'
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), e.connect + e.read + e.write + e.status + e.timeout))
end
EOF
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status"; }
hwm_kb() { awk '/^VmHWM/ { print $2 }' "/proc/$1/status"; }
: >"$work/rounds.tsv"
: >"$work/waits.tsv"
sampler() { # label: the busy backends' wait events of this database, once a second
  while :; do
    sql -tAc "SELECT coalesce(wait_event_type || ':' || wait_event, 'CPU') FROM pg_stat_activity
              WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid()" 2>/dev/null | sed "s|^|$1\t|" >>"$work/waits.tsv"
    sleep 1
  done
}
one_run() { # workload side round seconds pid url [header]
  local workload="$1" side="$2" round="$3" secs="$4" pid="$5" url="$6"; shift 6
  local load t0 out sampler_pid
  load="$(cut -d' ' -f1 /proc/loadavg)"
  t0="$(ticks "$pid")"
  sampler "$workload/$side" & sampler_pid=$!
  out="$(taskset -c "$core" wrk -t1 -c"$connections" -d"${secs}s" --timeout "${TIMEOUT_SECONDS:-5}s" -s "$work/report.lua" "$@" "$url" | grep '^RESULT')"
  kill "$sampler_pid" 2>/dev/null; wait "$sampler_pid" 2>/dev/null || true
  [ "$round" = warm ] && return 0
  read -r _ requests duration p50 p99 errors <<<"$out"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$workload" "$side" "$round" "$requests" "$duration" "$p50" "$p99" "$errors" \
    "$(( $(ticks "$pid") - t0 ))" "$load" >>"$work/rounds.tsv"
  printf '  %-24s %-7s round %s: %8.0f req/s  p50 %6.1f ms  p99 %7.1f ms  errors %s  load %s\n' "$workload" "$side" "$round" \
    "$(python3 -c "print($requests / ($duration / 1e6))")" "$(python3 -c "print($p50 / 1000)")" "$(python3 -c "print($p99 / 1000)")" "$errors" "$load" >&2
}
measure() { # workload product-url floor-url [header for both]
  local workload="$1" product_url="$2" floor_url="$3"; shift 3
  step "$workload: warm-up ${warmup}s each side, then $rounds × ${seconds}s product / floor, $connections connections"
  one_run "$workload" product warm "$warmup" "$server_pid" "$product_url" "$@"
  one_run "$workload" floor warm "$warmup" "$floor_pid" "$floor_url" "$@"
  for r in $(seq 1 "$rounds"); do
    one_run "$workload" product "$r" "$seconds" "$server_pid" "$product_url" "$@"
    one_run "$workload" floor "$r" "$seconds" "$floor_pid" "$floor_url" "$@"
  done
}

# JIT and Razor's first views outside the timing (the servers were just started).
for _ in 1 2 3 4 5; do
  for page in "${pages[@]}"; do curl -fsS -o /dev/null -H "Cookie: clientele_test=$light_cookie" "$base/test/session/$page"; done
  curl -fsS -o /dev/null "${auth[@]}" "$base/customers/$light"; curl -fsS -o /dev/null "${auth[@]}" "$floor/customers/$light"; curl -fsS -o /dev/null "$floor/rows"
done
started_at="$(date -u '+%Y-%m-%d %H:%M UTC')"
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
measure "portal overview" "$base/test/session/overview" "$floor/rows" -H "Cookie: clientele_test=$light_cookie"
measure "portal subscriptions" "$base/test/session/subscriptions" "$floor/rows" -H "Cookie: clientele_test=$light_cookie"
measure "portal wallets" "$base/test/session/wallets" "$floor/rows" -H "Cookie: clientele_test=$light_cookie"
measure "GET /customers/{id}" "$base/customers/$light" "$floor/customers/$light" "${auth[@]}"
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

# Still signed in and answered 200 after the load (a redirect would have been counted as a success by wrk).
for page in "${pages[@]}"; do
  status="$(curl -sS -o /dev/null -w '%{http_code}' -H "Cookie: clientele_test=$light_cookie" "$base/test/session/$page")"
  [ "$status" = 200 ] || { echo "after the load GET /test/session/$page answered $status" >&2; exit 1; }
done
product_rss="$(rss_kb "$server_pid")" product_hwm="$(hwm_kb "$server_pid")"
floor_rss="$(rss_kb "$floor_pid")" floor_hwm="$(hwm_kb "$floor_pid")"
server_warnings="$(grep -c '^warn\|^fail' "$work/server.log" || true)"

python3 - "$work" <<EOF
import collections, statistics, sys
work = sys.argv[1]
tick = 100.0
rows = collections.defaultdict(list)
loads = []
for line in open(f"{work}/rounds.tsv"):
    w, side, r, req, dur, p50, p99, err, cpu, load = line.rstrip("\n").split("\t")
    rows[(w, side)].append((int(req), int(dur), int(p50), int(p99), int(err), int(cpu), float(load)))
    loads.append(float(load))
order = list(dict.fromkeys(w for w, _ in rows))
print()
print("Run of $started_at: $(nproc) cores, load average before $load_before, after $load_after "
      f"(1-min at each round's start {min(loads):.1f}–{max(loads):.1f}); $rounds × ${seconds}s per side after ${warmup}s warm-ups, "
      "$connections connections, wrk on core $core")
print()
print("p50 / p99: the median over the rounds that answered anything; errors/timeouts: non-2xx/3xx answers and requests over TIMEOUT_SECONDS.")
print()
print("| workload | product req/s | p50 / p99 ms | CPU ms/req | floor req/s | p50 / p99 ms | CPU ms/req | product ÷ floor | rounds (product / floor req/s) |")
print("|---|---|---|---|---|---|---|---|---|")
for w in order:
    cells = []
    per_round = []
    rates = {}
    for side in ("product", "floor"):
        rs = rows[(w, side)]
        rate = sum(r[0] for r in rs) / max(1e-9, sum(r[1] for r in rs) / 1e6)
        rates[side] = rate
        answered = [r for r in rs if r[0] > 0]
        latency = (f"{statistics.median(r[2] for r in answered) / 1000:.1f} / {statistics.median(r[3] for r in answered) / 1000:.1f}"
                   if answered else "—")
        done = sum(r[0] for r in rs)
        cpu = f"{sum(r[5] for r in rs) / tick * 1000 / done:.2f}" if done else "—"
        errors = sum(r[4] for r in rs)
        cells += [f"{rate:,.0f}" + (f" ({errors} errors/timeouts)" if errors else ""), latency, cpu]
        per_round.append([r[0] / (r[1] / 1e6) for r in rs])
    rounds = ", ".join(f"{a:,.0f}/{b:,.0f}" for a, b in zip(*per_round))
    print(f"| {w} | {cells[0]} | {cells[1]} | {cells[2]} | {cells[3]} | {cells[4]} | {cells[5]} | **{rates['product'] / max(1e-9, rates['floor']):.2f}** | {rounds} |")
print()
print(f"RSS after the run: product {int('$product_rss') / 1024:.0f} MiB (peak {int('$product_hwm') / 1024:.0f} MiB), "
      f"floor {int('$floor_rss') / 1024:.0f} MiB (peak {int('$floor_hwm') / 1024:.0f} MiB); warn/fail lines in the server's log: $server_warnings")
try:
    waits = collections.defaultdict(collections.Counter)
    for line in open(f"{work}/waits.tsv"):
        label, event = line.rstrip("\n").split("\t")
        waits[label][event] += 1
    if waits:
        print()
        print("Busy backends of this database sampled once a second (what they were doing):")
        for label in waits:
            total = sum(waits[label].values())
            top = ", ".join(f"{e} {n}" for e, n in waits[label].most_common(5))
            print(f"  {label}: {total} samples: {top}")
except FileNotFoundError:
    pass
try:
    lines = open(f"{work}/statements.tsv").read().splitlines()
    if lines:
        print()
        print("| page | statements per view, 5 subscriptions (light) | 40 subscriptions (heavy) |")
        print("|---|---|---|")
        counts = collections.defaultdict(dict)
        for line in lines:
            page, who, n, background = line.split("\t")
            counts[page][who] = (int(n) - int(background)) / 50
        for page, c in counts.items():
            print(f"| {page} | {c['light']:.2f} | {c['heavy']:.2f} |")
        for page in counts:
            print()
            print(f"One view of {page} sent:")
            for s in open(f"{work}/one-{page}.txt"):
                print("  " + s.rstrip())
except FileNotFoundError:
    pass
EOF
