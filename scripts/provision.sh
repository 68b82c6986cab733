#!/usr/bin/env bash
# Makes sure PostgreSQL is installed (Debian packages), running, and has the clientele role and
# the given database(s). Safe to run any number of times.
# Usage: scripts/provision.sh [--recreate] DBNAME...
set -euo pipefail

PG_HOST=127.0.0.1
PG_PORT="${CLIENTELE_PG_PORT:-5432}"
PG_ROLE=clientele
PG_PASSWORD=clientele

log() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi
}

recreate=0
if [ "${1:-}" = "--recreate" ]; then recreate=1; shift; fi
[ "$#" -gt 0 ] || { echo "usage: $0 [--recreate] DBNAME..." >&2; exit 2; }

if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || ! command -v pg_ctlcluster >/dev/null 2>&1; then
  log "Installing PostgreSQL from Debian's packages"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql postgresql-contrib >/dev/null
fi

# Invoice PDFs embed DejaVu Sans (Debian's fonts-dejavu-core); PDFsharp finds no system fonts on Linux.
if [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf ]; then
  log "Installing the DejaVu fonts from Debian's packages (invoice PDFs)"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-dejavu-core >/dev/null
fi

PG_VERSION="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
if ! pg_lsclusters -h 2>/dev/null | awk '{print $1" "$2}' | grep -qx "$PG_VERSION main"; then
  log "Creating PostgreSQL $PG_VERSION cluster 'main'"
  as_root pg_createcluster "$PG_VERSION" main --port "$PG_PORT" >/dev/null
fi

if ! pg_isready -q -h "$PG_HOST" -p "$PG_PORT"; then
  log "Starting PostgreSQL $PG_VERSION"
  as_root pg_ctlcluster "$PG_VERSION" main start || true
  for _ in $(seq 1 60); do
    pg_isready -q -h "$PG_HOST" -p "$PG_PORT" && break
    sleep 0.5
  done
  pg_isready -q -h "$PG_HOST" -p "$PG_PORT" || { echo "PostgreSQL did not start; see /var/log/postgresql/" >&2; exit 1; }
fi

psql_admin() { as_postgres psql -p "$PG_PORT" -X -q -v ON_ERROR_STOP=1 "$@"; }

# Server settings, raised once (a setting already higher is kept) and read at start, so one restart if any changed:
# - max_connections: the test suite runs several servers at once (each with its own pool); Debian's 100 is too tight.
# - Debian's defaults keep 128 MB of pages in shared memory and checkpoint every 1 GB of WAL: under the product's
#   write bursts (a renewal run writes payments, invoices, events and e-mails for every subscription due) backends
#   evicted dirty pages themselves and a checkpoint every few seconds made each page's next change write the whole
#   page to the WAL again (bench/README.md, "Subscription renewals"). A quarter of the memory up to 1 GB of buffers,
#   checkpoints every 4 GB of WAL or 15 minutes.
mem_mb="$(awk '/^MemTotal/ { print int($2 / 1024) }' /proc/meminfo)"
want_buffers_mb=$(( mem_mb / 4 > 1024 ? 1024 : (mem_mb / 4 < 128 ? 128 : mem_mb / 4) ))
restart=0
raise() { # setting, wanted value in the setting's own unit (8kB pages, MB, s), the value to write
  if [ "$(psql_admin -tAc "SELECT setting::bigint FROM pg_settings WHERE name = '$1'")" -lt "$2" ]; then
    log "Raising PostgreSQL $1 to $3"
    psql_admin -c "ALTER SYSTEM SET $1 = '$3'"
    restart=1
  fi
}
raise max_connections 300 300
raise shared_buffers $(( want_buffers_mb * 128 )) "${want_buffers_mb}MB"
raise max_wal_size 4096 4GB
raise checkpoint_timeout 900 15min
if [ "$restart" = 1 ]; then
  as_root pg_ctlcluster "$PG_VERSION" main restart
  for _ in $(seq 1 60); do
    pg_isready -q -h "$PG_HOST" -p "$PG_PORT" && break
    sleep 0.5
  done
fi

if [ "$(psql_admin -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$PG_ROLE'")" != "1" ]; then
  log "Creating role $PG_ROLE"
  psql_admin -c "CREATE ROLE $PG_ROLE LOGIN CREATEDB PASSWORD '$PG_PASSWORD'"
fi

for db in "$@"; do
  [[ "$db" =~ ^[a-z_][a-z0-9_]*$ ]] || { echo "bad database name: $db" >&2; exit 2; }
  exists="$(psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'")"
  if [ "$exists" = "1" ] && [ "$recreate" = "1" ]; then
    psql_admin -c "DROP DATABASE $db WITH (FORCE)"
    exists=""
  fi
  if [ "$exists" != "1" ]; then
    log "Creating database $db"
    psql_admin -c "CREATE DATABASE $db OWNER $PG_ROLE"
  fi
done
