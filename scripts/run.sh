#!/usr/bin/env bash
# The "run" command: provisions PostgreSQL, builds, migrates, seeds the demo business, and serves.
# Configuration: CLIENTELE_HOST (127.0.0.1), CLIENTELE_PORT (5080), CLIENTELE_DB (clientele).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"

host="${CLIENTELE_HOST:-127.0.0.1}"
port="${CLIENTELE_PORT:-5080}"
db="${CLIENTELE_DB:-clientele}"

scripts/provision.sh "$db"

command -v dotnet >/dev/null || { echo "The .NET 10 SDK is required (dotnet on PATH)." >&2; exit 1; }
printf '\033[1;34m==>\033[0m %s\n' "Building" >&2
dotnet build "$root/src/Clientele" -c Release --nologo -v quiet -clp:NoSummary >/dev/null

export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"
export ConnectionStrings__Clientele="${ConnectionStrings__Clientele:-Host=127.0.0.1;Port=${CLIENTELE_PG_PORT:-5432};Database=$db;Username=clientele;Password=clientele}"
export Database__MigrateOnStartup=true
export PublicUrls__Live="${PublicUrls__Live:-http://$host:$port}"
export PublicUrls__Test="${PublicUrls__Test:-http://$host:$port/test}"

app=(dotnet "$root/src/Clientele/bin/Release/net10.0/Clientele.dll")
cd "$root/src/Clientele"   # content root: appsettings.json, wwwroot
"${app[@]}" migrate
echo
"${app[@]}" seed-demo
cat <<MSG

Server            http://$host:$port
API docs          http://$host:$port/scalar   (OpenAPI: /openapi/v1.json)
Health            http://$host:$port/health
Try it            curl -H "Authorization: Bearer <test API key above>" http://$host:$port/customers

MSG
exec "${app[@]}" --urls "http://$host:$port"
