#!/usr/bin/env bash
# Wallet debits and the customer search beside their floors (issue 17), alternated in one run.
#
# Makes a fresh database, migrates it, makes two businesses and a test API key with the product's CLI,
# seeds (seed.sql, set-based) CUSTOMERS customers named so that "hopper" matches a tenth of them, 200,000
# in the other business, and WALLETS + 1 USD wallets of 10^12 cents. Starts a Release server and the floor
# app (bench/floor, ApiFloor.cs) on 127.0.0.1 and checks the floor's answers against the product's (the
# debit's JSON and webhook event, the search's JSON byte for byte) and, run as root, that the floor sends the
# product's statements text for text (PostgreSQL's log). Then, alternated, with wrk (CONNECTIONS connections,
# one thread, pinned to core LOAD_CORE) or pgbench (as many clients, one thread, pinned to the same core):
#   (a) POST /customers/{id}/wallets/ledger-entries, a 1-cent debit of one hot wallet: product, floor;
#   (b) the same over WALLETS wallets, each request a random one: product, floor;
#   (c) GET /customers?name=hopper: product; pgbench running the product's two statements for it (the API-key
#       lookup and the search); pgbench running the search alone; the floor app.
# ROUNDS rounds of SECONDS_PER_ROUND seconds per side after a WARMUP_SECONDS warm-up each. Reports req/s
# (transactions/s for pgbench), p50/p99, product ÷ floor, CPU per request, RSS and the load average; then runs
# `Clientele wallets verify`. Loopback only; everything it starts it stops. See bench/README.md.
# Usage: bench/api/run.sh
#   SECONDS_PER_ROUND=10 WARMUP_SECONDS=5 ROUNDS=3 CONNECTIONS=32 LOAD_CORE=1 CUSTOMERS=1000000 WALLETS=10000
#   TIMEOUT_SECONDS=5 WORKLOADS="hot spread search" COUNT_STATEMENTS=0 (skip the statement comparison)
#   BENCH_DB=clientele_bench_api BENCH_PORT=5310 (the floor listens on BENCH_PORT + 1) RESULTS_DIR=… (keep the raw figures)
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$(pwd)"
db="${BENCH_DB:-clientele_bench_api}"
port="${BENCH_PORT:-5310}"
floor_port=$((port + 1))
seconds="${SECONDS_PER_ROUND:-10}"
warmup="${WARMUP_SECONDS:-5}"
rounds="${ROUNDS:-3}"
connections="${CONNECTIONS:-32}"
core="${LOAD_CORE:-1}"
customers="${CUSTOMERS:-1000000}"
wallets="${WALLETS:-10000}"
workloads="${WORKLOADS:-hot spread search}"
pg_port="${CLIENTELE_PG_PORT:-5432}"
work="$(mktemp -d)"
base="http://127.0.0.1:$port"
floor="http://127.0.0.1:$floor_port"
export PGPASSWORD=clientele DOTNET_NOLOGO=1 ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning
export ConnectionStrings__Clientele="Host=127.0.0.1;Port=$pg_port;Database=$db;Username=clientele;Password=clientele"

step() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
sql() { psql -h 127.0.0.1 -p "$pg_port" -U clientele -d "$db" -X -q -v ON_ERROR_STOP=1 "$@"; }
as_postgres_sql() { runuser -u postgres -- psql -p "$pg_port" -X -q -v ON_ERROR_STOP=1 "$@"; }
json_field() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }
server_dir="$root/src/Clientele/bin/Release/net10.0"
floor_dir="$root/bench/floor/bin/Release/net10.0"
cli() { (cd "$server_dir" && dotnet Clientele.dll "$@"); }
pgbench_bin="$(ls -d /usr/lib/postgresql/*/bin/pgbench | sort -V | tail -n 1)"

server_pid="" floor_pid="" logging_on=0
stop_server() { if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; server_pid=""; fi; }
stop_floor() { if [ -n "$floor_pid" ]; then kill "$floor_pid" 2>/dev/null || true; wait "$floor_pid" 2>/dev/null || true; floor_pid=""; fi; }
cleanup() {
  stop_server
  stop_floor
  if [ "$logging_on" = 1 ]; then as_postgres_sql -c "ALTER DATABASE \"$db\" RESET log_statement" 2>/dev/null || true; fi
  if [ -n "${RESULTS_DIR:-}" ]; then mkdir -p "$RESULTS_DIR" && cp "$work"/*.tsv "$work"/*.txt "$work"/*.log "$work"/*.json "$RESULTS_DIR"/ 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

wait_ready() { # url log
  for _ in $(seq 1 120); do curl -sS -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.5; done
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

step "Fresh database $db: migrate, two businesses, an API key"
scripts/provision.sh --recreate "$db" 2>/dev/null
cli migrate --json >/dev/null
business="$(cli businesses create --name "API Bench" --json | json_field business_id)"
other="$(cli businesses create --name "Other Co" --json | json_field business_id)"
key="$(cli api-keys create --business "$business" --mode test --name bench --json | json_field api_key)"
auth=(-H "Authorization: Bearer $key")

step "Seeding $customers customers (+200,000 in another business) and $((wallets + 1)) wallets"
seed_start=$(date +%s)
PGOPTIONS="-c client_min_messages=warning" sql -v bus="$business" -v other="$other" -v n="$customers" -v wallets="$wallets" -f bench/api/seed.sql
echo "seeded in $(( $(date +%s) - seed_start )) s" >&2
customer_id() { printf 'cus_b%023d' "$1"; }
hot="$(customer_id 1)"
for g in $(seq 2 $((wallets + 1))); do customer_id "$g"; echo; done >"$work/spread-ids.txt"

step "Starting the server on $base and the floor on $floor"
start_server
start_floor

# ---- The floor's answers against the product's, before any timing ----
debit_body='{"amount":1,"currency":"USD","entry_type":"debit"}'
debit() { # base-url customer -> the answer's JSON; fails on any status but 200
  curl -fsS "${auth[@]}" -H 'Content-Type: application/json' -d "$debit_body" "$1/customers/$2/wallets/ledger-entries"
}
latest_event() { sql -tAc "SELECT payload FROM webhook_events WHERE business_id = '$business' ORDER BY created_at DESC, id DESC LIMIT 1"; }
counts() { sql -tA -F ' ' -c "SELECT (SELECT count(*) FROM wallet_ledger_entries), (SELECT count(*) FROM webhook_events), (SELECT count(*) FROM audit_log)"; }
before="$(counts)"
debit "$base" "$hot" >"$work/product-debit.json"; latest_event >"$work/product-event.json"
debit "$floor" "$hot" >"$work/floor-debit.json"; latest_event >"$work/floor-event.json"
after="$(counts)"
python3 - "$work" "$before" "$after" <<'EOF'
import json, sys
work, before, after = sys.argv[1], [int(x) for x in sys.argv[2].split()], [int(x) for x in sys.argv[3].split()]
p, f = (json.load(open(f"{work}/{side}-debit.json")) for side in ("product", "floor"))
problems = []
if list(p) != list(f) or p["customer_id"] != f["customer_id"] or p["currency"] != f["currency"] or p["created_at"] != f["created_at"] or f["balance"] != p["balance"] - 1:
    problems.append(f"answers differ: product {p}, floor {f}")
def masked(event):
    event = json.loads(event)
    for k in ("timestamp",):
        event[k] = "…"
    for k in ("id", "created_at", "before_balance", "after_balance"):
        event["data"][k] = "…"
    return json.dumps(event)
pe, fe = (open(f"{work}/{side}-event.json").read().strip() for side in ("product", "floor"))
if masked(pe) != masked(fe):
    problems.append(f"webhook events differ:\n  product {pe}\n  floor   {fe}")
if [a - b for a, b in zip(after, before)] != [2, 2, 2]:
    problems.append(f"ledger rows, events, audit rows added by one debit each side: {[a - b for a, b in zip(after, before)]}, expected [2, 2, 2]")
if problems:
    print("the floor's debit is not the product's:\n" + "\n".join(problems), file=sys.stderr)
    sys.exit(1)
EOF
curl -fsS "${auth[@]}" "$base/customers?name=hopper" >"$work/product-search.json"
curl -fsS "${auth[@]}" "$floor/customers?name=hopper" >"$work/floor-search.json"
cmp -s "$work/product-search.json" "$work/floor-search.json" || { echo "the floor's search JSON differs from the product's" >&2; exit 1; }
python3 -c "import json,sys; items = json.load(open(sys.argv[1]))['items']; assert len(items) == 10 and all('hopper' in i['name'].lower() for i in items), items" "$work/product-search.json"
echo "checked: the floor's debit answers, ledger row, webhook event and audit row as the product's; its search answers the product's JSON byte for byte" >&2

# ---- The same statements, from PostgreSQL's log (log_statement = all on this database only) ----
pg_log="$(ls /var/log/postgresql/postgresql-*-main.log 2>/dev/null | sort -V | tail -n 1 || true)"
: >"$work/same-sql.tsv"
if [ "${COUNT_STATEMENTS:-1}" = 1 ] && [ "$(id -u)" -eq 0 ] && [ -n "$pg_log" ]; then
  step "Comparing the statements the floor sends with the product's (log_statement = all on $db)"
  as_postgres_sql -c "ALTER DATABASE \"$db\" SET log_statement = 'all'"; logging_on=1
  stop_server; start_server; stop_floor; start_floor
  from="$(stat -c %s "$pg_log")"; sleep 6
  tail -c +"$((from + 1))" "$pg_log" | python3 bench/floor/statements.py "$db" >"$work/background-sql.txt"
  capture() { # label url-of-side request... -> that side's statements for one request
    local from; from="$(stat -c %s "$pg_log")"; "$@" >/dev/null; sleep 0.3
    tail -c +"$((from + 1))" "$pg_log" | python3 bench/floor/statements.py "$db" "$work/background-sql.txt"
  }
  for workload in debit search; do
    same=0
    for _ in 1 2 3 4 5; do
      if [ "$workload" = debit ]; then
        capture debit "$base" "$hot" >"$work/sql-product-$workload.txt"; capture debit "$floor" "$hot" >"$work/sql-floor-$workload.txt"
      else
        capture curl -fsS "${auth[@]}" "$base/customers?name=hopper" >"$work/sql-product-$workload.txt"
        capture curl -fsS "${auth[@]}" "$floor/customers?name=hopper" >"$work/sql-floor-$workload.txt"
      fi
      if cmp -s "$work/sql-product-$workload.txt" "$work/sql-floor-$workload.txt"; then same=1; break; fi
    done
    if [ "$same" = 1 ]; then
      printf '%s\t%s\n' "$workload" "$(grep -c '^-- statement' "$work/sql-floor-$workload.txt")" >>"$work/same-sql.tsv"
    else
      echo "the floor's $workload does not send the product's statements (product <, floor >):" >&2
      diff "$work/sql-product-$workload.txt" "$work/sql-floor-$workload.txt" >&2 || true
      [ "${ALLOW_STATEMENT_DIFF:-0}" = 1 ] || exit 1
      printf '%s\tDIFFERENT\n' "$workload" >>"$work/same-sql.tsv"
    fi
  done
  as_postgres_sql -c "ALTER DATABASE \"$db\" RESET log_statement"; logging_on=0
  stop_server; start_server; stop_floor; start_floor
else
  echo "(COUNT_STATEMENTS=0, not root or no PostgreSQL log file: the floor's statements not compared)" >&2
fi

# ---- Load ----
cat >"$work/report.lua" <<'EOF'
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), e.connect + e.read + e.write + e.status + e.timeout))
end
EOF
{ cat <<EOF
wrk.method = "POST"
wrk.body = '$debit_body'
wrk.headers["Content-Type"] = "application/json"
wrk.path = "/customers/$hot/wallets/ledger-entries"
EOF
  cat "$work/report.lua"; } >"$work/debit-hot.lua"
{ cat <<EOF
wrk.method = "POST"
wrk.body = '$debit_body'
wrk.headers["Content-Type"] = "application/json"
local ids = {}
for line in io.lines("$work/spread-ids.txt") do ids[#ids + 1] = line end
math.randomseed(os.time())
request = function()
  return wrk.format(nil, "/customers/" .. ids[math.random(#ids)] .. "/wallets/ledger-entries")
end
EOF
  cat "$work/report.lua"; } >"$work/debit-spread.lua"

# pgbench: the product's statements for GET /customers?name=hopper with its parameters (the key's SHA-256;
# the lookup's clock fixed at the run's start, so, as in the product once a minute has passed, its touch
# writes nothing). Extended protocol, unnamed statements, as Npgsql sends them.
key_hash="$(printf '%s' "$key" | sha256sum | cut -d' ' -f1)"
cat >"$work/search-key.sql" <<'EOF'
WITH k AS (SELECT id, business_id, mode, name, display_hint FROM api_keys WHERE key_hash = :hash AND revoked_at IS NULL),
used AS (
    UPDATE api_keys a SET last_used_at = :now FROM k
    WHERE a.id = k.id AND (a.last_used_at IS NULL OR a.last_used_at <= :cutoff)
)
SELECT id, business_id, mode, name, display_hint FROM k;
SELECT id, business_id, mode, name, email, phone_number, metadata::text AS metadata, created_at, updated_at FROM customers WHERE business_id = :bus AND mode = :mode AND lower(name) LIKE :pattern ESCAPE '\' ORDER BY created_at DESC, id DESC LIMIT :limit OFFSET :offset;
EOF
tail -n 1 "$work/search-key.sql" >"$work/search-only.sql"
[ "$(sql -tAc "SELECT count(*) FROM api_keys WHERE key_hash = '\\x$key_hash' AND revoked_at IS NULL")" = 1 ] || { echo "pgbench's key hash finds no key" >&2; exit 1; }
pgbench_now="$(date -u '+%Y-%m-%d %H:%M:%S+00')"
pgbench_cutoff="$(date -u -d '-1 minute' '+%Y-%m-%d %H:%M:%S+00')"

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
run_wrk() { # seconds url lua -> requests duration_us p50_us p99_us errors
  taskset -c "$core" wrk -t1 -c"$connections" -d"${1}s" --timeout "${TIMEOUT_SECONDS:-5}s" -s "$3" "${auth[@]}" "$2" | grep '^RESULT' | cut -d' ' -f2-
}
run_pgbench() { # seconds script -> transactions duration_us p50_us p99_us failures
  local dir; dir="$(mktemp -d "$work/pgbench.XXXX")"
  (cd "$dir" && taskset -c "$core" "$pgbench_bin" -h 127.0.0.1 -p "$pg_port" -U clientele -n -M extended -c "$connections" -j 1 -T "$1" -l \
    -D hash="\\x$key_hash" -D now="$pgbench_now" -D cutoff="$pgbench_cutoff" -D bus="$business" -D mode=test -D pattern=%hopper% -D limit=10 -D offset=0 \
    -f "$2" "$db" >"$dir/out.txt" 2>&1) || { cat "$dir/out.txt" >&2; exit 1; }
  python3 - "$dir" "$1" <<'EOF'
import glob, statistics, sys
dir, secs = sys.argv[1], float(sys.argv[2])
lat = sorted(int(line.split()[2]) for f in glob.glob(f"{dir}/pgbench_log.*") for line in open(f))
out = open(f"{dir}/out.txt").read()
failed, tps = 0, 0.0
for line in out.splitlines():
    if line.startswith("number of failed transactions"):
        failed = int(line.split(":")[1].split()[0])
    if line.startswith("tps = "):
        tps = float(line.split()[2])
pct = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] if lat else 0
# The rate pgbench reports leaves out its clients' connecting (scram, 1–2 s for 32 on this machine): the
# servers' pools are connected before their timing too. The duration is the one that rate implies.
print(len(lat), int(len(lat) / tps * 1e6) if tps else int(secs * 1e6), pct(0.5), pct(0.99), failed)
EOF
  rm -rf "$dir"
}
one_run() { # workload side round seconds target
  local workload="$1" side="$2" round="$3" secs="$4" target="$5"
  local load pid t0 out sampler_pid
  load="$(cut -d' ' -f1 /proc/loadavg)"
  case "$side" in product) pid="$server_pid" ;; floor) pid="$floor_pid" ;; *) pid="" ;; esac
  t0="$([ -n "$pid" ] && ticks "$pid" || echo 0)"
  sampler "$workload/$side" & sampler_pid=$!
  case "$target" in
    pgbench:*) out="$(run_pgbench "$secs" "${target#pgbench:}")" ;;
    *) out="$(run_wrk "$secs" "${target%% *}" "${target#* }")" ;;
  esac
  kill "$sampler_pid" 2>/dev/null; wait "$sampler_pid" 2>/dev/null || true
  [ "$round" = warm ] && return 0
  read -r requests duration p50 p99 errors <<<"$out"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$workload" "$side" "$round" "$requests" "$duration" "$p50" "$p99" "$errors" \
    "$([ -n "$pid" ] && echo $(( $(ticks "$pid") - t0 )) || echo -1)" "$load" >>"$work/rounds.tsv"
  printf '  %-30s %-15s round %s: %8.0f /s  p50 %6.1f ms  p99 %7.1f ms  errors %s  load %s\n' "$workload" "$side" "$round" \
    "$(python3 -c "print($requests / ($duration / 1e6))")" "$(python3 -c "print($p50 / 1000)")" "$(python3 -c "print($p99 / 1000)")" "$errors" "$load" >&2
}
measure() { # workload side=target ...: each side in turn, a warm-up then the rounds
  local workload="$1" arg r; shift
  step "$workload: warm-up ${warmup}s each side, then $rounds × ${seconds}s ${*%%=*}, $connections connections"
  for r in warm $(seq 1 "$rounds"); do
    for arg in "$@"; do
      one_run "$workload" "${arg%%=*}" "$r" "$([ "$r" = warm ] && echo "$warmup" || echo "$seconds")" "${arg#*=}"
    done
  done
}

# JIT outside the timing (the servers were just started).
for _ in $(seq 1 20); do
  debit "$base" "$hot" >/dev/null; debit "$floor" "$hot" >/dev/null
  curl -fsS -o /dev/null "${auth[@]}" "$base/customers?name=hopper"; curl -fsS -o /dev/null "${auth[@]}" "$floor/customers?name=hopper"
done
started_at="$(date -u '+%Y-%m-%d %H:%M UTC')"
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
for workload in $workloads; do
  case "$workload" in
    hot) measure "wallet debit, one hot wallet" "product=$base/customers/$hot/wallets/ledger-entries $work/debit-hot.lua" \
           "floor=$floor/customers/$hot/wallets/ledger-entries $work/debit-hot.lua" ;;
    spread) measure "wallet debit, $wallets wallets" "product=$base $work/debit-spread.lua" "floor=$floor $work/debit-spread.lua" ;;
    search) measure "GET /customers?name=hopper" "product=$base/customers?name=hopper $work/report.lua" \
              "pgbench=pgbench:$work/search-key.sql" "pgbench-search=pgbench:$work/search-only.sql" \
              "floor=$floor/customers?name=hopper $work/report.lua" ;;
    *) echo "unknown workload $workload (hot, spread, search)" >&2; exit 2 ;;
  esac
done
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"
product_rss="$(rss_kb "$server_pid")" product_hwm="$(hwm_kb "$server_pid")"
floor_rss="$(rss_kb "$floor_pid")" floor_hwm="$(hwm_kb "$floor_pid")"
server_warnings="$(grep -c '^warn\|^fail' "$work/server.log" || true)"
if [ "$server_warnings" -gt 0 ]; then # what they said (the log goes with the work directory)
  echo "warn/fail entries in the server's log (the first 40 lines of them, with their exceptions):" >&2
  awk '/^(warn|fail|crit): / { keep = 1; print; next } /^[a-z]+: / { keep = 0 } keep' "$work/server.log" | head -40 >&2
fi
stop_server; stop_floor

step "Checking every balance still equals the sum of its entries"
verify="$(cli wallets verify 2>&1)" || { echo "$verify" >&2; echo "wallets verify failed" >&2; exit 1; }

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
def cells(rs):
    rate = sum(r[0] for r in rs) / max(1e-9, sum(r[1] for r in rs) / 1e6)
    answered = [r for r in rs if r[0] > 0]
    latency = (f"{statistics.median(r[2] for r in answered) / 1000:.1f} / {statistics.median(r[3] for r in answered) / 1000:.1f}"
               if answered else "—")
    done = sum(r[0] for r in rs)
    cpu = f"{sum(r[5] for r in rs) / tick * 1000 / done:.2f}" if done and all(r[5] >= 0 for r in rs) else "—"
    errors = sum(r[4] for r in rs)
    return rate, f"{rate:,.0f}" + (f" ({errors} errors/timeouts)" if errors else ""), latency, cpu
print()
print("Run of $started_at: $(nproc) cores, load average before $load_before, after $load_after "
      f"(1-min at each round's start {min(loads):.1f}–{max(loads):.1f}); $rounds × ${seconds}s per side after ${warmup}s warm-ups, "
      "$connections connections (wrk) or clients (pgbench, -j 1), both on core $core; $customers customers, $wallets + 1 wallets")
print()
print("| workload | product req/s | p50 / p99 ms | CPU ms/req | floor | floor /s | p50 / p99 ms | CPU ms/req | **product ÷ floor** | rounds (product / floor) |")
print("|---|---|---|---|---|---|---|---|---|---|")
names = {"floor": "floor app", "pgbench": "pgbench: key lookup + search", "pgbench-search": "pgbench: search only"}
for w in order:
    product = rows[(w, "product")]
    p_rate, p_req, p_lat, p_cpu = cells(product)
    for side in ("pgbench", "pgbench-search", "floor"):
        if (w, side) not in rows:
            continue
        other = rows[(w, side)]
        f_rate, f_req, f_lat, f_cpu = cells(other)
        rounds = ", ".join(f"{a[0] / (a[1] / 1e6):,.0f}/{b[0] / (b[1] / 1e6):,.0f}" for a, b in zip(product, other))
        print(f"| {w} | {p_req} | {p_lat} | {p_cpu} | {names[side]} | {f_req} | {f_lat} | {f_cpu} | **{p_rate / max(1e-9, f_rate):.2f}** | {rounds} |")
print()
print(f"RSS after the run: product {int('$product_rss') / 1024:.0f} MiB (peak {int('$product_hwm') / 1024:.0f} MiB), "
      f"floor {int('$floor_rss') / 1024:.0f} MiB (peak {int('$floor_hwm') / 1024:.0f} MiB); warn/fail lines in the server's log: $server_warnings")
same = [line.rstrip("\n").split("\t") for line in open(f"{work}/same-sql.tsv") if line.strip()]
if same:
    print("The floor's statements against the product's, from PostgreSQL's log (one request each, parameters aside): "
          + "; ".join(f"{w}: " + ("DIFFERENT" if n == "DIFFERENT" else f"identical, {n} statements") for w, n in same))
print("wallets verify: " + """$verify""".strip().splitlines()[-1])
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
EOF
