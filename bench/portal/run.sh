#!/usr/bin/env bash
# Portal pages and GET /customers/{id} beside a floor app (issues 12 and 17), alternated in one run.
#
# Makes a fresh database, seeds it with the product's own CLI and API (plus set-based SQL for the
# catalogue, cards and subscriptions, which the product then renews itself), starts a Release server
# and the floor app (bench/floor) on 127.0.0.1, signs a customer in to the portal as a customer does
# (dynamic link from the API, GET the link page, POST its form). Each portal page has its own floor page
# (/overview, /subscriptions, /wallets: the product's statements, round trips and borrows, read with the
# product's session cookie); the script checks each shows the same customer's rows as the product's page
# and, run as root, that it sends the product's statements text for text (PostgreSQL's log). Then for each
# workload: a warm-up on each side, and ROUNDS rounds of SECONDS_PER_ROUND seconds product, floor page
# and the floor's /rows (30 customer rows, one query; the first runs' floor, kept as a reference), with wrk
# (CONNECTIONS connections, one thread, pinned to core LOAD_CORE). Reports req/s, p50/p99, product ÷ floor,
# CPU per request, RSS and the load average; and, run as root, the statements each portal page sends (from
# PostgreSQL's log with log_statement = all, on this database only, for a customer with 5 and with 40
# subscriptions). Loopback only; everything it starts it stops. See bench/README.md, "Portal pages".
# Usage: bench/portal/run.sh
#   SECONDS_PER_ROUND=10 WARMUP_SECONDS=20 ROUNDS=3 CONNECTIONS=32 LOAD_CORE=1 OTHERS=2000 TIMEOUT_SECONDS=5
#   COUNT_STATEMENTS=0 (skip the statement count and the statement comparison)
#   PAGES="overview wallets" (the portal pages to time; PAGES="" leaves only GET /customers/{id})
#   ROWS_REFERENCE=0 (leave /rows out)   ALLOW_STATEMENT_DIFF=1 (report, not stop at, a floor page whose statements differ)
#   BENCH_DB=clientele_bench_portal_run BENCH_PORT=5500 (the floor listens on BENCH_PORT + 1)
#   PROFILE=1 (perf samples each side in the second half of its warm-up; the top symbols in profile-*.txt, kept with RESULTS_DIR)
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$(pwd)"
db="${BENCH_DB:-clientele_bench_portal_run}"
port="${BENCH_PORT:-5500}"
floor_port=$((port + 1))
seconds="${SECONDS_PER_ROUND:-10}"
warmup="${WARMUP_SECONDS:-20}" # long enough for the tiered JIT to settle on a loaded 2-core machine
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
# PROFILE=1: both apps write the runtime's perf map, and perf samples each side during its warm-up.
perf_env=""
if [ "${PROFILE:-0}" = 1 ]; then
  command -v perf >/dev/null || { echo "PROFILE=1 needs perf (Debian's linux-perf)" >&2; exit 1; }
  perf_env="DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0"
fi
stop_server() { if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; server_pid=""; fi; }
stop_floor() { if [ -n "$floor_pid" ]; then kill "$floor_pid" 2>/dev/null || true; wait "$floor_pid" 2>/dev/null || true; floor_pid=""; fi; }
cleanup() {
  stop_server
  stop_floor
  if [ "$logging_on" = 1 ]; then as_postgres_sql -c "ALTER DATABASE \"$db\" RESET log_statement" 2>/dev/null || true; fi
  if [ -n "${RESULTS_DIR:-}" ]; then mkdir -p "$RESULTS_DIR" && cp "$work"/*.tsv "$work"/*.txt "$work"/*.log "$work"/*.html "$work"/*.sig "$RESULTS_DIR"/ 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
# RESULTS_DIR=…: keep the raw figures (rounds.tsv, waits.tsv, statements.tsv, one-*.txt, sql-*.txt, pages, logs) there.

wait_ready() { # url log
  for _ in $(seq 1 120); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.5; done
  cat "$2" >&2; echo "not ready: $1" >&2; exit 1
}
start_server() {
  (cd "$server_dir" && exec env $perf_env dotnet Clientele.dll --urls "$base") >>"$work/server.log" 2>&1 &
  server_pid=$!
  wait_ready "$base/health" "$work/server.log"
}
start_floor() {
  (cd "$floor_dir" && Floor__BusinessId="$business" exec env $perf_env dotnet Floor.dll --urls "$floor") >>"$work/floor.log" 2>&1 &
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
# A browser also sends back the antiforgery cookie its first page set, so each later page only signs
# a request token with it; without it every view would mint (encrypt) a new cookie token too.
antiforgery="$(awk '$6 == "clientele_csrf" { print $6 "=" $7; exit }' "$work/jar-$light")"
[ -n "$antiforgery" ] || { echo "no antiforgery cookie after sign-in" >&2; exit 1; }
read -ra pages <<<"${PAGES-overview subscriptions wallets}" # PAGES="" times GET /customers/{id} alone
for page in "${pages[@]}"; do
  for cookie in "$light_cookie" "$heavy_cookie"; do
    status="$(curl -sS -o "$work/$page.html" -w '%{http_code}' -H "Cookie: clientele_test=$cookie" "$base/test/session/$page")"
    [ "$status" = 200 ] || { echo "GET /test/session/$page answered $status" >&2; exit 1; }
  done
done
[[ " ${pages[*]} " != *" overview "* ]] || grep -q "Ada Lovelace\|Grace Hopper" "$work/overview.html" || { echo "the overview does not show the customer" >&2; exit 1; }

: >"$work/same-sql.tsv"

# Statements per page view, from PostgreSQL's log (log_statement = all on this database only).
step "Starting the floor app on $floor"
pg_log="$(ls /var/log/postgresql/postgresql-*-main.log 2>/dev/null | sort -V | tail -n 1 || true)"
if [ "${COUNT_STATEMENTS:-1}" = 1 ] && [ "$(id -u)" -eq 0 ] && [ -n "$pg_log" ]; then
  step "Counting the statements of each portal page (log_statement = all on $db, 50 views each)"
  as_postgres_sql -c "ALTER DATABASE \"$db\" SET log_statement = 'all'"; logging_on=1
  stop_server; start_server; stop_floor; start_floor
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
    # The floor page must send the product's statements, text for text (parameters aside). The server's
    # background workers' statements (seen in an idle window) are left out; one may still fall into a view's
    # window, so up to five tries.
    if [ ! -s "$work/background-sql.txt" ]; then
      from="$(stat -c %s "$pg_log")"; sleep 6
      tail -c +"$((from + 1))" "$pg_log" | python3 "$root/bench/floor/statements.py" "$db" >"$work/background-sql.txt"
    fi
    same=0
    for _ in 1 2 3 4 5; do
      from="$(stat -c %s "$pg_log")"
      curl -fsS -o /dev/null -H "Cookie: clientele_test=$light_cookie" "$base/test/session/$page"; sleep 0.3
      tail -c +"$((from + 1))" "$pg_log" | python3 "$root/bench/floor/statements.py" "$db" "$work/background-sql.txt" >"$work/sql-product-$page.txt"
      from="$(stat -c %s "$pg_log")"
      curl -fsS -o /dev/null -H "Cookie: clientele_test=$light_cookie" "$floor/$page"; sleep 0.3
      tail -c +"$((from + 1))" "$pg_log" | python3 "$root/bench/floor/statements.py" "$db" "$work/background-sql.txt" >"$work/sql-floor-$page.txt"
      if cmp -s "$work/sql-product-$page.txt" "$work/sql-floor-$page.txt"; then same=1; break; fi
    done
    # One view's statements, first line of each, for the report.
    awk 'prev == "-- statement" { print substr($0, 1, 110) } { prev = $0 }' "$work/sql-product-$page.txt" >"$work/one-$page.txt"
    if [ "$same" = 1 ]; then
      printf '%s\t%s\n' "$page" "$(grep -c '^-- statement' "$work/sql-floor-$page.txt")" >>"$work/same-sql.tsv"
    else
      echo "the floor's /$page does not send the product's statements (product <, floor >):" >&2
      diff "$work/sql-product-$page.txt" "$work/sql-floor-$page.txt" >&2 || true
      [ "${ALLOW_STATEMENT_DIFF:-0}" = 1 ] || exit 1
      printf '%s\tDIFFERENT\n' "$page" >>"$work/same-sql.tsv"
    fi
  done
  as_postgres_sql -c "ALTER DATABASE \"$db\" RESET log_statement"; logging_on=0
  stop_server; start_server; stop_floor; start_floor
else
  echo "(COUNT_STATEMENTS=0, not root or no PostgreSQL log file: statements per page not counted, floor's statements not compared)" >&2
  start_floor
fi

curl -fsS "${auth[@]}" "$floor/customers/$light" >"$work/floor-customer.json"
curl -fsS "${auth[@]}" "$base/customers/$light" >"$work/product-customer.json"
cmp -s "$work/floor-customer.json" "$work/product-customer.json" || { echo "the floor's customer JSON differs from the product's:" >&2; cat "$work"/*-customer.json >&2; exit 1; }

# Each floor page answers 200 and shows the same customer's rows as its product page: the same subscriptions and
# payments (their ids in links) on the overview, the same subscriptions in the same order, the same wallets and
# ledger page (currencies, then the entries' reasons in order).
cat >"$work/signature.py" <<'EOF'
import re, sys
page, html = sys.argv[1], open(sys.argv[2], encoding="utf-8").read()
def ordered(pattern):
    return list(dict.fromkeys(re.findall(pattern, html)))
if page == "overview":
    print("customer", re.findall(r"Ada Lovelace|Grace Hopper", html)[:1])
    print("subscriptions", sorted(set(re.findall(r"sub_[A-Za-z0-9_]+", html))))
    print("payments", sorted(set(re.findall(r"pay_[A-Za-z0-9]+", html))))
elif page == "subscriptions":
    print("subscriptions", ordered(r"sub_[A-Za-z0-9_]+"))
else:
    print("currencies", re.findall(r'data-currency="([A-Z]{3})"', html))
    print("entries", re.findall(r">\s*((?:Credit|Debit)(?: \d+)?)\s*<", html))
    print("older", 'rel="next"' in html)
EOF
for page in "${pages[@]}"; do
  for who in light heavy; do
    cookie="$light_cookie"; [ "$who" = heavy ] && cookie="$heavy_cookie"
    curl -fsS -o "$work/product-$page.html" -H "Cookie: clientele_test=$cookie" "$base/test/session/$page"
    status="$(curl -sS -o "$work/floor-$page.html" -w '%{http_code}' -H "Cookie: clientele_test=$cookie" "$floor/$page")"
    [ "$status" = 200 ] || { echo "the floor's /$page answered $status" >&2; exit 1; }
    python3 "$work/signature.py" "$page" "$work/product-$page.html" >"$work/product-$page.sig"
    python3 "$work/signature.py" "$page" "$work/floor-$page.html" >"$work/floor-$page.sig"
    if ! cmp -s "$work/product-$page.sig" "$work/floor-$page.sig" || [ "$(wc -c <"$work/floor-$page.sig")" -lt 40 ]; then
      echo "the floor's /$page does not show the $who customer's rows as the product's page does (product <, floor >):" >&2
      diff "$work/product-$page.sig" "$work/floor-$page.sig" >&2 || true; exit 1
    fi
    printf '%s\t%s\t%s\t%s\n' "$page" "$who" "$(wc -c <"$work/product-$page.html")" "$(wc -c <"$work/floor-$page.html")" >>"$work/html-bytes.tsv"
  done
done

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
profile() { # workload side pid seconds: perf samples of the last half of a warm-up (never of a timed round)
  local slug; slug="$(printf '%s-%s' "$1" "$2" | tr -c 'a-zA-Z0-9-' '_')"
  sleep $(( $4 / 2 ))
  perf record -q -F 999 -g -p "$3" -o "$work/perf-$slug.data" -- sleep $(( $4 / 2 - 1 )) >/dev/null 2>&1 || return 0
  perf report -i "$work/perf-$slug.data" --no-children --sort dso,sym -g none --percent-limit 0.3 2>/dev/null | grep -v '^#' | grep -v '^$' \
    > "$work/profile-$slug.txt" || true
  step "profile of $1 ($2): $(wc -l < "$work/profile-$slug.txt") symbols above 0.3 % in profile-$slug.txt"
}
one_run() { # workload side round seconds pid url [header]
  local workload="$1" side="$2" round="$3" secs="$4" pid="$5" url="$6"; shift 6
  local load t0 out sampler_pid
  load="$(cut -d' ' -f1 /proc/loadavg)"
  t0="$(ticks "$pid")"
  sampler "$workload/$side" & sampler_pid=$!
  local profile_pid=""
  if [ "$round" = warm ] && [ "${PROFILE:-0}" = 1 ] && [ "$side" != rows ]; then profile "$workload" "$side" "$pid" "$secs" & profile_pid=$!; fi
  out="$(taskset -c "$core" wrk -t1 -c"$connections" -d"${secs}s" --timeout "${TIMEOUT_SECONDS:-5}s" -s "$work/report.lua" "$@" "$url" | grep '^RESULT')"
  kill "$sampler_pid" 2>/dev/null; wait "$sampler_pid" 2>/dev/null || true
  [ -z "$profile_pid" ] || wait "$profile_pid" || true
  [ "$round" = warm ] && return 0
  read -r _ requests duration p50 p99 errors <<<"$out"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$workload" "$side" "$round" "$requests" "$duration" "$p50" "$p99" "$errors" \
    "$(( $(ticks "$pid") - t0 ))" "$load" >>"$work/rounds.tsv"
  printf '  %-24s %-7s round %s: %8.0f req/s  p50 %6.1f ms  p99 %7.1f ms  errors %s  load %s\n' "$workload" "$side" "$round" \
    "$(python3 -c "print($requests / ($duration / 1e6))")" "$(python3 -c "print($p50 / 1000)")" "$(python3 -c "print($p99 / 1000)")" "$errors" "$load" >&2
}
measure() { # workload [side=url ...] -- [header for all]: sides product, floor and optionally rows, alternated
  local workload="$1" sides=() arg side url pid r; shift
  while [ "$1" != -- ]; do sides+=("$1"); shift; done; shift
  step "$workload: warm-up ${warmup}s each side, then $rounds × ${seconds}s ${sides[*]%%=*}, $connections connections"
  for r in warm $(seq 1 "$rounds"); do
    for arg in "${sides[@]}"; do
      side="${arg%%=*}" url="${arg#*=}"; pid="$floor_pid"; [ "$side" = product ] && pid="$server_pid"
      one_run "$workload" "$side" "$r" "$([ "$r" = warm ] && echo "$warmup" || echo "$seconds")" "$pid" "$url" "$@"
    done
  done
}

# JIT and Razor's first views outside the timing (the servers were just started).
for _ in 1 2 3 4 5; do
  for page in "${pages[@]}"; do curl -fsS -o /dev/null -H "Cookie: clientele_test=$light_cookie" "$base/test/session/$page"; done
  for page in "${pages[@]}"; do curl -fsS -o /dev/null -H "Cookie: clientele_test=$light_cookie" "$floor/$page"; done
  curl -fsS -o /dev/null "${auth[@]}" "$base/customers/$light"; curl -fsS -o /dev/null "${auth[@]}" "$floor/customers/$light"; curl -fsS -o /dev/null "$floor/rows"
done
started_at="$(date -u '+%Y-%m-%d %H:%M UTC')"
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
# Each portal page against its own floor page; the floor's /rows (30 customer rows, one query: the floor
# of the first runs) alternated as well, as a reference (ROWS_REFERENCE=0 leaves it out).
rows_side=(); [ "${ROWS_REFERENCE:-1}" = 1 ] && rows_side=("rows=$floor/rows")
for page in "${pages[@]}"; do
  measure "portal $page" "product=$base/test/session/$page" "floor=$floor/$page" "${rows_side[@]}" -- -H "Cookie: clientele_test=$light_cookie; $antiforgery"
done
measure "GET /customers/{id}" "product=$base/customers/$light" "floor=$floor/customers/$light" -- "${auth[@]}"
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

# Still signed in and answered 200 after the load (a redirect would have been counted as a success by wrk).
for page in "${pages[@]}"; do
  status="$(curl -sS -o /dev/null -w '%{http_code}' -H "Cookie: clientele_test=$light_cookie" "$base/test/session/$page")"
  [ "$status" = 200 ] || { echo "after the load GET /test/session/$page answered $status" >&2; exit 1; }
  status="$(curl -sS -o /dev/null -w '%{http_code}' -H "Cookie: clientele_test=$light_cookie" "$floor/$page")"
  [ "$status" = 200 ] || { echo "after the load the floor's /$page answered $status" >&2; exit 1; }
done
product_rss="$(rss_kb "$server_pid")" product_hwm="$(hwm_kb "$server_pid")"
floor_rss="$(rss_kb "$floor_pid")" floor_hwm="$(hwm_kb "$floor_pid")"
server_warnings="$(grep -c '^warn\|^fail' "$work/server.log" || true)"
if [ "$server_warnings" -gt 0 ]; then # what they said (the log goes with the work directory)
  echo "warn/fail entries in the server's log (the first 40 lines of them, with their exceptions):" >&2
  awk '/^(warn|fail|crit): / { keep = 1; print; next } /^[a-z]+: / { keep = 0 } keep' "$work/server.log" | head -40 >&2
fi

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
print("| workload | product req/s | p50 / p99 ms | CPU ms/req | floor req/s | p50 / p99 ms | CPU ms/req | **product ÷ floor** | /rows req/s | product ÷ /rows | rounds (product / floor req/s) |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
def side_cells(rs):
    rate = sum(r[0] for r in rs) / max(1e-9, sum(r[1] for r in rs) / 1e6)
    answered = [r for r in rs if r[0] > 0]
    latency = (f"{statistics.median(r[2] for r in answered) / 1000:.1f} / {statistics.median(r[3] for r in answered) / 1000:.1f}"
               if answered else "—")
    done = sum(r[0] for r in rs)
    cpu = f"{sum(r[5] for r in rs) / tick * 1000 / done:.2f}" if done else "—"
    errors = sum(r[4] for r in rs)
    return rate, f"{rate:,.0f}" + (f" ({errors} errors/timeouts)" if errors else ""), latency, cpu
for w in order:
    product, floor, ref = rows[(w, "product")], rows[(w, "floor")], rows.get((w, "rows"), [])
    p_rate, p_req, p_lat, p_cpu = side_cells(product)
    f_rate, f_req, f_lat, f_cpu = side_cells(floor)
    if ref:
        r_rate, r_req, _, _ = side_cells(ref)
        ref_cells = f"{r_req} | {p_rate / max(1e-9, r_rate):.2f}"
    else:
        ref_cells = "— | —"
    rounds = ", ".join(f"{a[0] / (a[1] / 1e6):,.0f}/{b[0] / (b[1] / 1e6):,.0f}" for a, b in zip(product, floor))
    print(f"| {w} | {p_req} | {p_lat} | {p_cpu} | {f_req} | {f_lat} | {f_cpu} | **{p_rate / max(1e-9, f_rate):.2f}** | {ref_cells} | {rounds} |")
try:
    same = [line.rstrip("\n").split("\t") for line in open(f"{work}/same-sql.tsv") if line.strip()]
    if same:
        print()
        print("The floor pages' statements against the product's, from PostgreSQL's log (one view each, parameters aside): "
              + "; ".join(f"/{page}: " + ("DIFFERENT" if n == "DIFFERENT" else f"identical, {n} statements") for page, n in same))
except FileNotFoundError:
    pass
try:
    sizes = [line.rstrip("\n").split("\t") for line in open(f"{work}/html-bytes.tsv") if line.strip()]
    print()
    print("Same customer's rows on both sides (checked before timing); HTML bytes, product / floor: "
          + "; ".join(f"{page} ({who}) {int(p):,} / {int(f):,}" for page, who, p, f in sizes))
except FileNotFoundError:
    pass
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
