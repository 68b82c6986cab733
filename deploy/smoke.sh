#!/usr/bin/env bash
# Scale-out smoke run, all on loopback: PostgreSQL (scripts/provision.sh), two Clientele nodes (the
# Release build, Production settings) and Debian's nginx running deploy/nginx.conf itself — its
# upstream, TLS termination (a throw-away self-signed certificate) and proxy settings; only addresses,
# ports and file paths are rewritten. The nodes trust nginx's X-Forwarded-* (ForwardedHeaders), send
# test-mode mail to an SMTP sink and webhooks to a receiver (deploy/smoke-receiver.mjs).
#
# Through nginx, deploy/smoke-client.mjs runs N customer journeys, four at a time: the official
# dodopayments SDK (customers, wallet credit with an idempotency key, products and a plan collection,
# a webhook endpoint, subscriptions created with a saved card, then a plan change, a cancellation, a
# cancellation at the period's end or nothing, and lists), a hosted checkout paid as a browser does
# (GET the page, POST the card form with its antiforgery token), and a portal sign-in by the static
# link (the e-mail read from the sink, its link followed, the overview page shown). Half-way, the
# kept subscriptions' renewals are made due (SQL moves them a month back, as bench/subscriptions does)
# and one node is SIGKILLed; failed requests are retried (see smoke-client.mjs for how each is made
# safe). The rest falls due on the survivor. Then, once the outboxes drain, SQL checks that every
# customer, checkout payment, subscription and charge exists exactly once (none lost, none twice),
# every due renewal happened once, every webhook event reached the receiver with a valid signature
# and every queued e-mail reached the sink (once; at most one a second time with the same Message-ID:
# the one the killed node may have been sending), wallets equal their ledgers, and the survivor
# is ready and serves. Prints the figures; exits non-zero on any failed check. Everything it starts
# is stopped on exit (trap). 47–73 s on 2 cores (load average 11–17), 24 or 48 journeys alike; deploy/README.md.
#
# Needs a Release build (dotnet build Clientele.slnx -c Release) and tests/sdk's npm packages (installed
# here with `npm ci` if missing); installs nginx from Debian's packages if missing.
# Usage: deploy/smoke.sh [journeys]   (default 24)
#   CLIENTELE_SMOKE_DB (clientele_smoke), CLIENTELE_SMOKE_PORT (5180: nginx; +1, +2 the nodes; +3 the
#   webhook receiver, +4 the SMTP sink), CLIENTELE_PG_PORT (5432)
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
journeys="${1:-24}"
db="${CLIENTELE_SMOKE_DB:-clientele_smoke}"
port_nginx="${CLIENTELE_SMOKE_PORT:-5180}"
port_a=$((port_nginx + 1)); port_b=$((port_nginx + 2)); port_hooks=$((port_nginx + 3)); port_smtp=$((port_nginx + 4))
pg_port="${CLIENTELE_PG_PORT:-5432}"
dll="$root/src/Clientele/bin/Release/net10.0/Clientele.dll"
work="$(mktemp -d)"
started=$SECONDS
pids=()
cleanup() {
  local pid
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ "${CLIENTELE_SMOKE_KEEP:-}" = 1 ]; then echo "smoke: logs kept in $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
step() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
fail() { echo "smoke: $*" >&2; exit 1; }

[ -f "$dll" ] || { echo "build first: dotnet build Clientele.slnx -c Release" >&2; exit 2; }
[ -d tests/sdk/node_modules/dodopayments ] || (cd tests/sdk && npm ci --no-audit --no-fund --silent)
if ! command -v nginx >/dev/null; then
  step "Installing nginx from Debian's packages"
  as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx >/dev/null
fi

scripts/provision.sh --recreate "$db"
export PGHOST=127.0.0.1 PGPORT="$pg_port" PGUSER=clientele PGPASSWORD=clientele PGDATABASE="$db"
export ConnectionStrings__Clientele="Host=127.0.0.1;Port=$pg_port;Database=$db;Username=clientele;Password=clientele;Maximum Pool Size=30"
# Every node (and the CLI) must share the key-encryption key: e-mail bodies and webhook secrets are sealed with it.
DataProtection__KeyEncryptionKey="$(head -c 32 /dev/urandom | base64)"
export DataProtection__KeyEncryptionKey DOTNET_NOLOGO=1
sql() { psql -X -q -v ON_ERROR_STOP=1 -tA "$@"; }
dotnet "$dll" migrate >/dev/null
business="$(dotnet "$dll" businesses create --name 'Smoke Co' --json | sed -n 's/.*"business_id": *"\([^"]*\)".*/\1/p')"
key="$(dotnet "$dll" api-keys create --business "$business" --mode test --json | sed -n 's/.*"api_key": *"\([^"]*\)".*/\1/p')"
[ -n "$key" ] || fail "could not create an API key"

step "Starting the webhook receiver ($port_hooks) and SMTP sink ($port_smtp)"
SMOKE_WORK="$work" node deploy/smoke-receiver.mjs "$port_hooks" "$port_smtp" >"$work/receiver.log" 2>&1 &
pids+=($!)

# The settings an operator sets on every node (README "Running in production"), plus short leases so a
# dead node's claimed work comes back within seconds rather than minutes.
start_node() {
  Urls="http://127.0.0.1:$1" ASPNETCORE_ENVIRONMENT=Production \
    PublicUrls__Live="https://127.0.0.1:$port_nginx" PublicUrls__Test="https://127.0.0.1:$port_nginx/test" \
    ForwardedHeaders__KnownProxies__0=127.0.0.1 \
    Email__TestSmtp__Host=127.0.0.1 Email__TestSmtp__Port="$port_smtp" Email__TestSmtp__Tls=None \
    Webhooks__AllowPrivateTargets=true Webhooks__RequestTimeout=00:00:05 Webhooks__ClaimDuration=00:00:08 \
    Subscriptions__PollInterval=00:00:01 Subscriptions__ChargeLease=00:00:10 \
    Logging__LogLevel__Default=Warning \
    dotnet "$dll" >"$work/node-$1.log" 2>&1 &
  pids+=($!)
}
step "Starting two nodes ($port_a, $port_b) and nginx (https://127.0.0.1:$port_nginx) with deploy/nginx.conf"
start_node "$port_a"; pid_a=$!
start_node "$port_b"; pid_b=$!

openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
  -keyout "$work/tls.key" -out "$work/tls.pem" 2>/dev/null
sed -e "s|127.0.0.1:5081|127.0.0.1:$port_a|; s|127.0.0.1:5082|127.0.0.1:$port_b|" \
    -e "s|listen 443 ssl|listen 127.0.0.1:$port_nginx ssl|; /listen \[::\]/d; s|listen 80;|listen 127.0.0.1:$((port_nginx + 5));|" \
    -e "s|/etc/ssl/certs/clientele.pem|$work/tls.pem|; s|/etc/ssl/private/clientele.key|$work/tls.key|" \
    -e "s|/var/log/nginx/clientele.access.log|$work/access.log|" deploy/nginx.conf >"$work/clientele.conf"
for gone in 5081 5082 'listen 443' '/etc/ssl' '/var/log' 'listen 80;'; do
  ! grep -q -- "$gone" "$work/clientele.conf" || fail "deploy/nginx.conf changed shape: '$gone' was not rewritten for loopback"
done
cat >"$work/nginx.conf" <<NGINX
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events {}
http {
  client_body_temp_path $work; proxy_temp_path $work; fastcgi_temp_path $work; uwsgi_temp_path $work; scgi_temp_path $work;
  include $work/clientele.conf;
}
NGINX
nginx -t -q -c "$work/nginx.conf" -e "$work/nginx-error.log"
nginx -c "$work/nginx.conf" -e "$work/nginx-error.log"

for port in "$port_a" "$port_b"; do
  for _ in $(seq 1 120); do curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null && break; sleep 0.5; done
  curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null || { cat "$work/node-$port.log" >&2; fail "node $port never became ready"; }
done
curl -fs --cacert "$work/tls.pem" "https://127.0.0.1:$port_nginx/health/ready" >/dev/null || fail "nginx does not reach the nodes"

step "Running $journeys journeys through nginx; SIGKILL node $port_a (pid $pid_a) half-way"
# The shell's own "Killed" notice for node A goes to /dev/null; the client's output does not (fd 3).
client_ok=yes; status_a=0
{ SMOKE_BASE_URL="https://127.0.0.1:$port_nginx" SMOKE_API_KEY="$key" SMOKE_BUSINESS="$business" SMOKE_RECEIVER="http://127.0.0.1:$port_hooks" \
    SMOKE_WORK="$work" SMOKE_KILL_PID="$pid_a" SMOKE_JOURNEYS="$journeys" NODE_EXTRA_CA_CERTS="$work/tls.pem" \
    timeout 300 node deploy/smoke-client.mjs 2>&3 &
  pids+=($!); wait $! || client_ok=no
  if [ "$client_ok" = yes ]; then wait "$pid_a" || status_a=$?; fi; } 3>&2 2>/dev/null
[ "$client_ok" = yes ] || { tail -n 30 "$work/node-$port_b.log" >&2; fail "a journey failed"; }
[ "$status_a" -eq 137 ] || fail "node $port_a was not SIGKILLed (exit status $status_a)"
curl -fs "http://127.0.0.1:$port_b/health/live" >/dev/null || fail "the surviving node $port_b stopped answering"

step "Waiting for renewals, webhooks and e-mails to settle on the survivor"
outstanding() {
  sql -c "SELECT (SELECT count(*) FROM subscriptions WHERE business_id = '$business' AND status = 'active' AND next_billing_date <= now())
               + (SELECT count(*) FROM subscription_charges WHERE business_id = '$business' AND status = 'processing')
               + (SELECT count(*) FROM checkout_sessions WHERE business_id = '$business' AND status = 'processing')
               + (SELECT count(*) FROM webhook_deliveries WHERE business_id = '$business' AND status = 'pending')
               + (SELECT count(*) FROM email_outbox WHERE business_id = '$business' AND status = 'pending')"
}
settle_started=$SECONDS
for _ in $(seq 1 120); do [ "$(outstanding)" -eq 0 ] && break; sleep 1; done
settled=$(( SECONDS - settle_started ))

# Every figure below comes from the database and from what the receiver and the sink logged.
touch "$work/webhooks.tsv" "$work/mail.tsv"
sql -F ' ' >"$work/figures" <<SQL
CREATE TEMP TABLE expected (kind text, id text);
\copy expected FROM '$work/expected.tsv'
CREATE TEMP TABLE hooks (id text, type text, valid boolean);
\copy hooks FROM '$work/webhooks.tsv'
CREATE TEMP TABLE mail (id text, recipient text, message_id text);
\copy mail FROM '$work/mail.tsv'
CREATE TEMP VIEW subs AS SELECT e.kind, s.* FROM expected e JOIN subscriptions s ON s.id = e.id WHERE e.kind LIKE 'subscription_%';
CREATE TEMP VIEW charges AS
  SELECT s.id, s.kind, c.kind AS charge, count(*) AS n, bool_and(c.status = 'succeeded' AND p.status = 'succeeded') AS paid
  FROM subs s JOIN subscription_charges c ON c.subscription_id = s.id JOIN payments p ON p.id = c.payment_id GROUP BY 1, 2, 3;
-- Each row: name, value (expected to be 0 unless named otherwise).
SELECT 'customers', count(*) FROM customers WHERE business_id = '$business'
UNION ALL SELECT 'customers_expected', count(*) FROM expected WHERE kind = 'customer'
UNION ALL SELECT 'customers_twice', count(*) - count(DISTINCT lower(email)) FROM customers WHERE business_id = '$business'
UNION ALL SELECT 'checkout_payments', count(*) FROM payments WHERE business_id = '$business' AND checkout_session_id IS NOT NULL AND subscription_id IS NULL AND status = 'succeeded'
UNION ALL SELECT 'checkout_payments_expected', count(*) FROM expected WHERE kind = 'checkout_payment'
UNION ALL SELECT 'checkout_payments_twice', coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n FROM payments WHERE business_id = '$business' AND checkout_session_id IS NOT NULL
                                                                  AND subscription_id IS NULL AND status = 'succeeded' GROUP BY customer_id) x
UNION ALL SELECT 'checkout_payments_lost', count(*) FROM expected e LEFT JOIN payments p ON p.id = e.id AND p.status = 'succeeded' WHERE e.kind = 'checkout_payment' AND p.id IS NULL
UNION ALL SELECT 'subscriptions', count(*) FROM subscriptions WHERE business_id = '$business'
UNION ALL SELECT 'subscriptions_expected', count(*) FROM expected WHERE kind LIKE 'subscription_%'
UNION ALL SELECT 'subscriptions_twice', coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n FROM subscriptions WHERE business_id = '$business' GROUP BY customer_id) x
UNION ALL SELECT 'subscriptions_wrong_state', count(*) FROM subs WHERE NOT CASE kind
    WHEN 'subscription_change_plan' THEN status = 'active' AND recurring_pre_tax_amount = 3000
    WHEN 'subscription_cancel_now' THEN status = 'cancelled'
    WHEN 'subscription_keep' THEN status = 'active' AND next_billing_date > now()
    WHEN 'subscription_cancel_at_period_end' THEN (status = 'cancelled') = (id IN (SELECT id FROM expected WHERE kind = 'renewal_due')) END
UNION ALL SELECT 'charges_twice', coalesce(sum(n - 1), 0) FROM charges
UNION ALL SELECT 'charges_unpaid', count(*) FROM charges WHERE NOT paid
UNION ALL SELECT 'initial_charges_lost', count(*) FROM subs s WHERE NOT EXISTS (SELECT FROM charges c WHERE c.id = s.id AND c.charge = 'initial')
UNION ALL SELECT 'plan_change_charges_lost', count(*) FROM subs s WHERE kind = 'subscription_change_plan' AND NOT EXISTS (SELECT FROM charges c WHERE c.id = s.id AND c.charge = 'plan_change')
UNION ALL SELECT 'renewals_due', count(*) FROM expected WHERE kind = 'renewal_due' AND id IN (SELECT id FROM expected WHERE kind = 'subscription_keep')
UNION ALL SELECT 'renewals', count(*) FROM charges WHERE charge = 'renewal'
UNION ALL SELECT 'renewals_lost', count(*) FROM subs s WHERE kind = 'subscription_keep' AND id IN (SELECT id FROM expected WHERE kind = 'renewal_due')
                                             AND NOT EXISTS (SELECT FROM charges c WHERE c.id = s.id AND c.charge = 'renewal')
UNION ALL SELECT 'renewals_unexpected', count(*) FROM charges c WHERE charge = 'renewal' AND NOT (kind = 'subscription_keep' AND id IN (SELECT id FROM expected WHERE kind = 'renewal_due'))
UNION ALL SELECT 'charges_recovered', count(*) FROM subscription_charges WHERE business_id = '$business' AND finished_at > claimed_until
UNION ALL SELECT 'payments_stuck', count(*) FROM payments WHERE business_id = '$business' AND status = 'processing'
UNION ALL SELECT 'portal_sign_ins', count(*) FROM expected WHERE kind = 'portal_sign_in'
UNION ALL SELECT 'webhook_events', count(*) FROM webhook_events WHERE business_id = '$business'
UNION ALL SELECT 'webhook_deliveries_received', count(*) FROM hooks WHERE valid
UNION ALL SELECT 'webhook_events_lost', count(*) FROM webhook_events w WHERE business_id = '$business' AND NOT EXISTS (SELECT FROM hooks h WHERE h.id = w.id AND h.valid)
UNION ALL SELECT 'webhook_events_redelivered', count(*) FROM (SELECT id FROM hooks WHERE valid GROUP BY id HAVING count(*) > 1) x
UNION ALL SELECT 'webhook_retried', count(*) FROM webhook_deliveries WHERE business_id = '$business' AND attempts > 1
UNION ALL SELECT 'webhook_bad_signatures', count(*) FROM hooks WHERE NOT valid
UNION ALL SELECT 'webhook_events_twice', coalesce(sum(n - 1), 0) FROM (
    SELECT count(*) AS n FROM webhook_events WHERE business_id = '$business' AND type NOT IN ('subscription.updated')
    GROUP BY type, coalesce(payload::jsonb #>> '{data,payment_id}', payload::jsonb #>> '{data,subscription_id}', payload::jsonb #>> '{data,id}', id)) x
UNION ALL SELECT 'emails', count(*) FROM email_outbox WHERE business_id = '$business'
UNION ALL SELECT 'emails_received', count(*) FROM mail
UNION ALL SELECT 'emails_lost', count(*) FROM email_outbox o WHERE business_id = '$business' AND NOT EXISTS (SELECT FROM mail m WHERE m.id = o.id)
-- E-mail is sent at least once (EmailDispatcher): the killed node may die between the sink's 250 and its commit,
-- and one dispatcher per node sends one message at a time, so one message may arrive twice, never more.
UNION ALL SELECT 'emails_redelivered', count(*) FROM (SELECT id FROM mail GROUP BY id HAVING count(*) > 1) x
UNION ALL SELECT 'emails_twice', greatest(coalesce(sum(n - 1), 0) - 1, 0) FROM (SELECT count(*) AS n FROM mail GROUP BY id) x
UNION ALL SELECT 'emails_message_id_unstable', count(*) FROM (SELECT id FROM mail GROUP BY id HAVING count(DISTINCT message_id) > 1 OR bool_or(message_id NOT LIKE '<' || id || '@%>')) x
UNION ALL SELECT 'emails_unsent', count(*) FROM email_outbox WHERE business_id = '$business' AND status <> 'sent'
UNION ALL SELECT 'receipts_vs_paid_payments', (SELECT count(*) FROM email_outbox WHERE business_id = '$business' AND kind = 'payment_receipt')
                                             - (SELECT count(*) FROM payments p WHERE business_id = '$business' AND status = 'succeeded' AND EXISTS (SELECT FROM invoices i WHERE i.payment_id = p.id));
SQL
declare -A f
while read -r name value; do f[$name]=$value; done <"$work/figures"
wallets_ok=yes; dotnet "$dll" wallets verify --business "$business" >"$work/wallets" 2>&1 || wallets_ok=no

survivor="$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port_b/health/ready")"
after="$(curl -s -o /dev/null -w '%{http_code}' --cacert "$work/tls.pem" -H "Authorization: Bearer $key" "https://127.0.0.1:$port_nginx/customers?page_size=1")"
client="$(cat "$work/client.json")"
jf() { python3 -c "import json,sys; print(json.loads(sys.argv[1])['$1'])" "$client"; }
through_nginx="$(wc -l <"$work/access.log")"
status_5xx="$(awk '$0 ~ /" 50[0-9] / {n++} END {print n+0}' "$work/access.log")"
duplicates=$(( f[customers_twice] + f[checkout_payments_twice] + f[subscriptions_twice] + f[charges_twice] + f[renewals_unexpected] + f[webhook_events_twice] + f[emails_twice] ))
lost=$(( f[checkout_payments_lost] + f[initial_charges_lost] + f[plan_change_charges_lost] + f[renewals_lost] + f[webhook_events_lost] + f[emails_lost] \
         + f[customers_expected] - f[customers] + f[subscriptions_expected] - f[subscriptions] + f[checkout_payments_expected] - f[checkout_payments] ))

echo "smoke: journeys=$journeys requests_through_nginx=$through_nginx answered_5xx=$status_5xx client_requests=$(jf requests) errors=$(jf errors) retries=$(jf retries) read_backs=$(jf readBacks) killed_at=$(jf killedAt)s renewals_in_flight_at_kill=$(jf renewalsInFlightAtKill)"
echo "smoke: customers=${f[customers]} checkout_payments=${f[checkout_payments]} subscriptions=${f[subscriptions]} renewals=${f[renewals]}/${f[renewals_due]} portal_sign_ins=${f[portal_sign_ins]}" \
  "webhook_events=${f[webhook_events]} (deliveries received ${f[webhook_deliveries_received]}, redelivered ${f[webhook_events_redelivered]}) emails=${f[emails]} (received ${f[emails_received]}, redelivered ${f[emails_redelivered]})"
echo "smoke: charges finished by the survivor's recovery pass=${f[charges_recovered]} webhook deliveries retried=${f[webhook_retried]}"
echo "smoke: duplicates=$duplicates lost=$lost survivor_ready=$survivor after_kill=$after wallets_match_ledger=$wallets_ok settled_in=${settled}s duration=$(( SECONDS - started ))s load=$(cut -d' ' -f1-3 /proc/loadavg)"

problems=()
for name in customers_twice checkout_payments_twice checkout_payments_lost subscriptions_twice subscriptions_wrong_state charges_twice charges_unpaid \
            initial_charges_lost plan_change_charges_lost renewals_lost renewals_unexpected payments_stuck webhook_events_lost webhook_bad_signatures \
            webhook_events_twice emails_lost emails_twice emails_message_id_unstable emails_unsent receipts_vs_paid_payments; do
  [ "${f[$name]}" -eq 0 ] || problems+=("$name=${f[$name]}")
done
[ "${f[customers]}" -eq "${f[customers_expected]}" ] && [ "${f[customers]}" -eq "$journeys" ] || problems+=("customers ${f[customers]} of $journeys")
[ "${f[subscriptions]}" -eq "${f[subscriptions_expected]}" ] || problems+=("subscriptions ${f[subscriptions]} of ${f[subscriptions_expected]}")
[ "${f[checkout_payments]}" -eq "${f[checkout_payments_expected]}" ] || problems+=("checkout payments ${f[checkout_payments]} of ${f[checkout_payments_expected]}")
[ "${f[renewals]}" -eq "${f[renewals_due]}" ] && [ "${f[renewals_due]}" -gt 0 ] || problems+=("renewals ${f[renewals]} of ${f[renewals_due]}")
[ "${f[emails]}" -gt 0 ] && [ "${f[webhook_events]}" -gt 0 ] || problems+=("no e-mails or webhook events at all")
[ "$(outstanding)" -eq 0 ] || problems+=("work still outstanding after ${settled}s")
[ "$wallets_ok" = yes ] || problems+=("wallets differ from their ledger: $(cat "$work/wallets")")
[ "$survivor" = 200 ] && [ "$after" = 200 ] || problems+=("survivor ready=$survivor, through nginx after the kill=$after")
if [ "${#problems[@]}" -gt 0 ]; then
  printf 'smoke: FAILED: %s\n' "${problems[*]}" >&2
  CLIENTELE_SMOKE_KEEP=1
  exit 1
fi
echo "smoke: ok"
