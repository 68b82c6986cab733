#!/usr/bin/env bash
# Subscription renewal benchmark: seeds N due subscriptions with SQL, then measures renewals per
# second with (a) one `Clientele subscriptions renew` process, (b) PROCESSES such processes at
# once, (c) SERVERS servers whose renewal workers share the work; after each run it checks with SQL
# that no period was charged twice, that every due subscription was renewed or put on hold, and
# that every wallet still equals its ledger. Loopback only; stops by itself. See bench/README.md.
# Usage: bench/subscriptions/run.sh [subscriptions=100000]
#   RUNS="one many servers"  PROCESSES=2  SERVERS=2  DECLINE_PERCENT=3  BENCH_PORT=5491
#   BENCH_DB=clientele_bench_subscriptions (a name starting clientele_bench_; recreated on each run)
#   Subscriptions__BatchSize, Subscriptions__Parallelism, Subscriptions__Batches: the engine's own knobs (100, 8, 3)
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$(pwd)"
count="${1:-100000}"
runs="${RUNS:-one many servers}"
processes="${PROCESSES:-2}"
servers="${SERVERS:-2}"
decline="${DECLINE_PERCENT:-3}"
port="${BENCH_PORT:-5491}"
pg_port="${CLIENTELE_PG_PORT:-5432}"
db="${BENCH_DB:-clientele_bench_subscriptions}"
case "$db" in clientele_bench_*) ;; *) echo "BENCH_DB must start with clientele_bench_" >&2; exit 2 ;; esac
work="$(mktemp -d)"
export PGPASSWORD=clientele
export ConnectionStrings__Clientele="Host=127.0.0.1;Port=$pg_port;Database=$db;Username=clientele;Password=clientele;Maximum Pool Size=50"
export ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning DOTNET_NOLOGO=1

step() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
sql() { psql -h 127.0.0.1 -p "$pg_port" -U clientele -d "$db" -X -q -v ON_ERROR_STOP=1 "$@"; }
server_dir="$root/src/Clientele/bin/Release/net10.0"
cli() { (cd "$server_dir" && dotnet Clientele.dll "$@"); }
json_field() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

step "Building the server (Release)"
dotnet build src/Clientele/Clientele.csproj -c Release --nologo -v quiet -clp:NoSummary >/dev/null

# A fresh database with one business and $count due subscriptions.
prepare() {
  scripts/provision.sh --recreate "$db" 2>/dev/null
  cli migrate --json >/dev/null
  business="$(cli businesses create --name "Renewal Bench" --json | json_field business_id)"
  local start=$SECONDS
  sql -v bus="$business" -v n="$count" -v decline="$decline" -f bench/subscriptions/seed.sql
  step "Seeded $count due subscriptions in $((SECONDS - start))s"
  # Every run starts just after a checkpoint, so none gets the seed's checkpoint (and the full-page writes after
  # it) part way through by chance. (Runs of the same code still differ by up to half on this VM: see the README.)
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- psql -p "$pg_port" -X -q -c CHECKPOINT; fi
}

now_utc() { sql -tAc "SELECT now()"; }
# The machine's CPU time (all cores, /proc/stat jiffies): "busy steal idle", so a run reads as CPU per renewal and
# how busy the cores were, not only as wall-clock time (a second renewer cannot help cores already busy).
cpu_snapshot() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8, $9, $5 + $6 }' /proc/stat; }
# TOP_STATEMENTS=1 (as root, with pg_stat_statements in shared_preload_libraries): the statements that took the
# database's time in each run, most first.
statements_reset() {
  [ "${TOP_STATEMENTS:-0}" = 1 ] || return 0
  runuser -u postgres -- psql -p "$pg_port" -d "$db" -X -q -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" -c "SELECT pg_stat_statements_reset()" >/dev/null
}
statements_top() { # label
  [ "${TOP_STATEMENTS:-0}" = 1 ] || return 0
  echo "$1: statements by total time (ms total, calls, ms per call, rows, text):" >&2
  runuser -u postgres -- psql -p "$pg_port" -d "$db" -X -q -tA -F ' | ' -c "
    SELECT round(total_exec_time), calls, round((total_exec_time / calls)::numeric, 2), rows, left(regexp_replace(query, '\s+', ' ', 'g'), 150)
    FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
    ORDER BY total_exec_time DESC LIMIT ${TOP_STATEMENTS_LIMIT:-15}" >&2
}
cpu_since() { # "busy steal idle" at the start, subscriptions renewed -> "busy % | steal % | CPU ms per renewal"
  local b0 s0 i0 b1 s1 i1; read -r b0 s0 i0 <<<"$1"; read -r b1 s1 i1 < <(cpu_snapshot)
  python3 -c "b, s, i, n = $b1 - $b0, $s1 - $s0, $i1 - $i0, max(1, $2); t = max(1, b + s + i); print(f'{100 * b / t:.0f} % | {100 * s / t:.0f} % | {b * 10 / n:.1f}')"
}
# Lines of "user system" seconds, one per renewer process -> the renewers' CPU ms per renewal (the rest of the machine's is
# mostly PostgreSQL's).
renewer_ms() { awk -v n="$count" '{ t += $1 + $2 } END { printf "%.1f", t * 1000 / (n > 0 ? n : 1) }'; }
elapsed_since() { sql -tAc "SELECT round(extract(epoch FROM clock_timestamp() - '$1'::timestamptz)::numeric, 1)"; }

# Checks one run and appends a row to the result table; exits non-zero on any violation.
verify() {
  local label="$1" procs="$2" started="$3" seconds="$4" cpu="$5"
  read -r subs charges periods_twice subs_twice keys_twice successes_twice renewed failed processing in_flight still_due ahead on_hold \
    expected_hold paid failed_charged off_ledger invoices < <(sql -tA -F ' ' -v started="$started" -f bench/subscriptions/verify.sql)
  local rate
  rate="$(python3 -c "print(f'{$charges / $seconds:,.0f}')")"
  printf '| %s | %s | %s | %s | **%s** | %s | %s | %s | %s | %s |\n' "$label" "$procs" "$count" "$seconds" "$rate" "$renewed" "$on_hold" \
    "$periods_twice / $subs_twice / $successes_twice" "$off_ledger" "$cpu" >> "$work/table.md"
  local problems=()
  [ "$charges" -eq "$subs" ] || problems+=("$charges renewal charges for $subs subscriptions")
  [ "$periods_twice" -eq 0 ] && [ "$subs_twice" -eq 0 ] || problems+=("DOUBLE CHARGE: $periods_twice periods / $subs_twice subscriptions charged twice")
  [ "$keys_twice" -eq 0 ] && [ "$successes_twice" -eq 0 ] || problems+=("DOUBLE CHARGE at the processor: $keys_twice keys, $successes_twice subscriptions")
  [ "$still_due" -eq 0 ] && [ "$processing" -eq 0 ] && [ "$in_flight" -eq 0 ] || problems+=("$still_due still due, $processing charges processing, $in_flight in flight")
  [ "$((ahead + on_hold))" -eq "$subs" ] || problems+=("$ahead renewed ahead + $on_hold on hold != $subs")
  [ "$on_hold" -eq "$expected_hold" ] || problems+=("$on_hold on hold, expected $expected_hold")
  [ "$paid" -eq "$renewed" ] || problems+=("$paid of $renewed renewals paid in full")
  [ "$failed_charged" -eq 0 ] || problems+=("$failed_charged failed renewals took money")
  [ "$off_ledger" -eq 0 ] || problems+=("$off_ledger wallets differ from their ledger")
  [ "$invoices" -eq "$renewed" ] || problems+=("$invoices invoices for $renewed renewals")
  echo "$label: $renewed renewed, $failed failed ($on_hold on hold, expected $expected_hold), $invoices invoices; double-charged periods $periods_twice, subscriptions $subs_twice, processor keys $keys_twice, processor successes $successes_twice; wallets off ledger $off_ledger" >&2
  cli wallets verify >&2
  if [ "${#problems[@]}" -gt 0 ]; then
    printf 'FAILED CHECK (%s): %s\n' "$label" "${problems[@]}" >&2
    failures=$((failures + 1))
  fi
}

# (a) and (b): N CLI processes started together; each runs passes until nothing is due.
run_cli() {
  local label="$1" n="$2"
  prepare
  step "$label: $n × 'subscriptions renew' over $count due subscriptions"
  local started; started="$(now_utc)"
  statements_reset
  local cpu; cpu="$(cpu_snapshot)"
  local cli_pids=()
  rm -f "$work"/cli-*  # an earlier run's files (a run with more processes) must not be counted again
  for i in $(seq 1 "$n"); do
    (cd "$server_dir" && exec /usr/bin/time -f '%U %S' -o "$work/cli-$i.time" dotnet Clientele.dll subscriptions renew --json) >"$work/cli-$i.json" 2>"$work/cli-$i.err" &
    cli_pids+=("$!")
  done
  pids+=("${cli_pids[@]}")
  for pid in "${cli_pids[@]}"; do wait "$pid" || { cat "$work"/cli-*.err >&2; exit 1; }; done
  local seconds; seconds="$(elapsed_since "$started")"
  cpu="$(cpu_since "$cpu" "$count")"
  for i in $(seq 1 "$n"); do echo "  process $i: $(cat "$work/cli-$i.json")" >&2; done
  cpu="$cpu | $(cat "$work"/cli-*.time | renewer_ms)"
  verify "$label" "$n CLI" "$started" "$seconds" "$cpu"
  statements_top "$label"
}

# (c): N servers with their renewal workers (polling every second); done when nothing is due or in flight.
run_servers() {
  local label="$1" n="$2"
  prepare
  step "$label: $n servers (renewal workers) over $count due subscriptions"
  local started; started="$(now_utc)"
  statements_reset
  local cpu; cpu="$(cpu_snapshot)"
  local server_pids=()
  for i in $(seq 1 "$n"); do
    (cd "$server_dir" && Subscriptions__PollInterval=00:00:01 exec dotnet Clientele.dll --urls "http://127.0.0.1:$((port + i - 1))") >"$work/server-$i.log" 2>&1 &
    server_pids+=("$!")
  done
  pids+=("${server_pids[@]}")
  local limit=$((SECONDS + 3600))
  while :; do
    sleep 1
    local left
    left="$(sql -tAc "SELECT (SELECT count(*) FROM subscriptions WHERE status = 'active' AND next_billing_date <= '$started'::timestamptz)
                          + (SELECT count(*) FROM subscription_charges WHERE status = 'processing')")"
    [ "$left" -eq 0 ] && break
    for pid in "${server_pids[@]}"; do kill -0 "$pid" 2>/dev/null || { cat "$work"/server-*.log >&2; exit 1; }; done
    [ "$SECONDS" -lt "$limit" ] || { echo "gave up after an hour" >&2; exit 1; }
  done
  local seconds; seconds="$(elapsed_since "$started")"
  cpu="$(cpu_since "$cpu" "$count")"
  # The servers' own CPU (user and system ticks of each dotnet process, read before they stop).
  cpu="$cpu | $(for pid in "${server_pids[@]}"; do
    awk '{ printf "%.2f %.2f\n", $14 / 100, $15 / 100 }' "/proc/$pid/stat"; done | renewer_ms)"
  for pid in "${server_pids[@]}"; do kill "$pid"; wait "$pid" 2>/dev/null || true; done
  grep -h "fail\|crit" "$work"/server-*.log >&2 || true
  verify "$label" "$n servers" "$started" "$seconds" "$cpu"
  statements_top "$label"
}

failures=0
echo "| run | processes | due | seconds | renewals/s | renewed | on hold | charged twice (periods / subscriptions / at processor) | wallets ≠ ledger | cores busy | steal | CPU ms per renewal (machine) | of which the renewers' |" > "$work/table.md"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|" >> "$work/table.md"
for run in $runs; do
  case "$run" in
    one) run_cli "(a) one CLI process" 1 ;;
    many) run_cli "(b) $processes CLI processes" "$processes" ;;
    servers) run_servers "(c) $servers servers' workers" "$servers" ;;
    *) echo "unknown run '$run' (one, many, servers)" >&2; exit 2 ;;
  esac
done

echo
cat "$work/table.md"
echo
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), PostgreSQL $(sql -tAc 'SHOW server_version'); decline $decline %;" \
  "BatchSize ${Subscriptions__BatchSize:-100}, Parallelism ${Subscriptions__Parallelism:-8}, Batches ${Subscriptions__Batches:-3}"
[ "$failures" -eq 0 ] || { echo "$failures run(s) failed a check" >&2; exit 1; }
