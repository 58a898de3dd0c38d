#!/usr/bin/env bash
# Runs the whole system on this machine: the meter simulator (a fake HomeWizard P1 dongle, v2 API over
# HTTPS with a token), the edge daemon and the server (HTTPS on 127.0.0.1, embedded SQLite, in-process
# cache). On the first run it creates a local CA and server certificate (trusted by the edge through
# VPS_CA_FILE; verification stays on) and backfills 60 days of meter history so that capacity and series
# have content at once. Everything lives in .demo/ (certificates, data, spool, logs); a second run reuses it.
# Ctrl-C stops everything cleanly. Start afresh with: rm -rf .demo
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

DEMO="${DEMO_DIR:-$ROOT/.demo}"
SERVER_PORT="${DEMO_SERVER_PORT:-5443}"
# The dashboard for a browser on this machine: plain HTTP on 127.0.0.1 only, no certificate to trust.
DASHBOARD_PORT="${DEMO_DASHBOARD_PORT:-5480}"
SIM_HTTP_PORT="${DEMO_SIM_HTTP_PORT:-18080}"
SIM_HTTPS_PORT="${DEMO_SIM_HTTPS_PORT:-18443}"
HISTORY_DAYS="${DEMO_HISTORY_DAYS:-60}"
# 10 s between history readings (like a DSMR 4 meter) keeps the first-run backfill to about half a
# million samples; the live simulator sends a telegram every second.
HISTORY_INTERVAL_S="${DEMO_HISTORY_INTERVAL_S:-10}"
DEVICE_ID="demo-meter"
SEED=42

CERTS="$DEMO/certs"
LOGS="$DEMO/logs"
mkdir -p "$DEMO" "$CERTS" "$LOGS" "$DEMO/data" "$DEMO/edge" "$DEMO/sim"

bold() { if [ -t 1 ]; then printf '\033[1m%s\033[0m\n' "$*"; else printf '%s\n' "$*"; fi; }
step() { bold "== $*"; }
die() { echo "demo: $*" >&2; exit 1; }

# ---------------------------------------------------------------------------------------------------
step "prerequisites"
if ! command -v openssl >/dev/null 2>&1; then
  bash scripts/setup.sh
fi
command -v dotnet >/dev/null 2>&1 || die "the .NET 10 SDK is required (https://dotnet.microsoft.com/download)"

# ---------------------------------------------------------------------------------------------------
step "build (Release)"
BUILD_LOG="$LOGS/build.log"
: >"$BUILD_LOG"
for project in src/MeterSimulator src/Server src/Edge deploy/HealthProbe; do
  if ! dotnet build "$project" -c Release -nologo -v quiet -clp:ErrorsOnly >>"$BUILD_LOG" 2>&1; then
    cat "$BUILD_LOG" >&2
    die "build of $project failed (log: $BUILD_LOG)"
  fi
done
SIM="$ROOT/src/MeterSimulator/bin/Release/net10.0/p1-meter-simulator"
SERVER="$ROOT/src/Server/bin/Release/net10.0/p1-server"
EDGE="$ROOT/src/Edge/bin/Release/net10.0/p1-edge"
PROBE="$ROOT/deploy/HealthProbe/bin/Release/net10.0/p1-healthprobe"
for binary in "$SIM" "$SERVER" "$EDGE" "$PROBE"; do
  [ -x "$binary" ] || die "$binary is missing after the build"
done

# ---------------------------------------------------------------------------------------------------
# Secrets and certificates, generated once.
if [ ! -f "$DEMO/secrets.env" ]; then
  umask 077
  {
    echo "DEMO_DEVICE_TOKEN=$(openssl rand -hex 24)"
    # A v2 dongle token: 32 upper-case hex characters.
    echo "DEMO_METER_TOKEN=$(openssl rand -hex 16 | tr 'a-f' 'A-F')"
    echo "DEMO_PASSWORD=$(openssl rand -base64 12 | tr -d '/+=')"
  } >"$DEMO/secrets.env"
  umask 022
fi
# shellcheck disable=SC1091
. "$DEMO/secrets.env"
if [ -z "${DEMO_PASSWORD:-}" ]; then
  # A .demo/ from before the dashboard: add the sign-in password.
  DEMO_PASSWORD="$(openssl rand -base64 12 | tr -d '/+=')"
  echo "DEMO_PASSWORD=$DEMO_PASSWORD" >>"$DEMO/secrets.env"
fi
DEMO_USER="demo"

if [ ! -f "$CERTS/server.pem" ] || [ ! -f "$CERTS/ca.pem" ]; then
  step "local CA and server certificate (first run)"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 825 \
    -subj "/CN=P1 Telemetry demo CA" \
    -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -keyout "$CERTS/ca-key.pem" -out "$CERTS/ca.pem" 2>>"$LOGS/openssl.log"
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -subj "/CN=localhost" -keyout "$CERTS/server-key.pem" -out "$CERTS/server.csr" 2>>"$LOGS/openssl.log"
  cat >"$CERTS/server.ext" <<'EOF'
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost
EOF
  openssl x509 -req -in "$CERTS/server.csr" -CA "$CERTS/ca.pem" -CAkey "$CERTS/ca-key.pem" -CAcreateserial \
    -days 397 -sha256 -extfile "$CERTS/server.ext" -out "$CERTS/server.pem" 2>>"$LOGS/openssl.log"
  chmod 600 "$CERTS/ca-key.pem" "$CERTS/server-key.pem"
  rm -f "$CERTS/server.csr" "$CERTS/server.ext"
fi

# ---------------------------------------------------------------------------------------------------
# Child processes: started in the background, stopped in order on exit (the edge first, so that it can
# flush its spool to the server; then the server; then the meter).
declare -A PIDS=()
STOPPING=0

stop_child() {
  local name="$1" pid="${PIDS[$1]:-}"
  [ -n "$pid" ] || return 0
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    # The edge flushes for up to SHUTDOWN_FLUSH_S; give everything a bounded time, then insist.
    for _ in $(seq 1 300); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      echo "  $name did not stop in 30 s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  wait "$pid" 2>/dev/null || true
  unset "PIDS[$name]"
  echo "  $name stopped"
}

cleanup() {
  local status=$?
  [ "$STOPPING" = 1 ] && return
  STOPPING=1
  trap '' INT TERM
  if ((${#PIDS[@]})); then
    echo
    step "stopping"
    for name in backfill edge server simulator; do stop_child "$name"; done
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 0' INT
trap 'exit 0' TERM

start_child() {
  local name="$1"
  shift
  printf '\n---- %s started %s\n' "$name" "$(date -u +%FT%TZ)" >>"$LOGS/$name.log"
  "$@" >>"$LOGS/$name.log" 2>&1 &
  PIDS[$name]=$!
}

require_running() {
  local name="$1" pid="${PIDS[$1]}"
  if ! kill -0 "$pid" 2>/dev/null; then
    wait "$pid" 2>/dev/null && code=0 || code=$?
    unset "PIDS[$name]"
    echo "demo: $name exited (code $code). Last lines of $LOGS/$name.log:" >&2
    tail -n 30 "$LOGS/$name.log" >&2
    exit 1
  fi
}

# wait_until NAME SECONDS COMMAND...: polls COMMAND until it succeeds, failing if NAME dies meanwhile.
wait_until() {
  local name="$1" seconds="$2"
  shift 2
  for _ in $(seq 1 $((seconds * 5))); do
    require_running "$name"
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.2
  done
  echo "demo: $name is not ready after ${seconds} s. Last lines of $LOGS/$name.log:" >&2
  tail -n 30 "$LOGS/$name.log" >&2
  exit 1
}

# ---------------------------------------------------------------------------------------------------
step "meter simulator (HomeWizard P1 v2 API on https://127.0.0.1:$SIM_HTTPS_PORT)"
SIM_LOG_START=0
[ -f "$LOGS/simulator.log" ] && SIM_LOG_START=$(wc -l <"$LOGS/simulator.log")
SIM_START=()
if [ ! -f "$DEMO/backfilled" ]; then
  # On the first run the history ends exactly where the live meter starts (same instant, whole seconds): the
  # registers and the month's peak continue without a step, and today has no gap before the meter's start.
  METER_START="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  SIM_START=(--start "$METER_START")
  # Registers saved by an interrupted first run would not match the history written now.
  rm -f "$DEMO/sim/meter-registers.json"
fi
start_child simulator "$SIM" serve \
  --bind 127.0.0.1 --http-port "$SIM_HTTP_PORT" --https-port "$SIM_HTTPS_PORT" \
  --state-dir "$DEMO/sim" --token "$DEMO_METER_TOKEN" --seed "$SEED" "${SIM_START[@]}"
sim_ca_line() { tail -n +"$((SIM_LOG_START + 1))" "$LOGS/simulator.log" | grep -m1 -oE '^ca .+' ; }
wait_until simulator 60 sim_ca_line
SIM_CA="$(sim_ca_line | cut -d' ' -f2-)"
[ -f "$SIM_CA" ] || die "the simulator's CA file '$SIM_CA' does not exist"
wait_until simulator 30 "$PROBE" "http://127.0.0.1:$SIM_HTTP_PORT/api" 2

# ---------------------------------------------------------------------------------------------------
step "server (https://127.0.0.1:$SERVER_PORT and the dashboard on http://127.0.0.1:$DASHBOARD_PORT, SQLite in .demo/data)"
start_child server env \
  ASPNETCORE_URLS="https://127.0.0.1:$SERVER_PORT" \
  DASHBOARD_LOOPBACK_HTTP_PORT="$DASHBOARD_PORT" \
  ASPNETCORE_Kestrel__Certificates__Default__Path="$CERTS/server.pem" \
  ASPNETCORE_Kestrel__Certificates__Default__KeyPath="$CERTS/server-key.pem" \
  DATA_DIR="$DEMO/data" \
  DATABASE_URL= REDIS_URL= \
  DEVICE_TOKENS="$DEMO_DEVICE_TOKEN:$DEVICE_ID" \
  TIMEZONE=Europe/Brussels GRID_AREA=Antwerpen VAT_PCT=6 \
  "$SERVER"
wait_until server 60 "$PROBE" "https://127.0.0.1:$SERVER_PORT/health" 2 --ca "$CERTS/ca.pem"

# The dashboard's sign-in: a user who owns the demo meter (created once; the CLI shares the database).
if [ ! -f "$DEMO/user-created" ]; then
  step "dashboard user '$DEMO_USER' (first run)"
  SERVER_CLI_ENV=(DATA_DIR="$DEMO/data" DATABASE_URL= REDIS_URL= DEVICE_TOKENS="$DEMO_DEVICE_TOKEN:$DEVICE_ID")
  printf '%s\n' "$DEMO_PASSWORD" | env "${SERVER_CLI_ENV[@]}" "$SERVER" users add "$DEMO_USER" --password-stdin >>"$LOGS/cli.log" 2>&1 \
    || die "creating the demo user failed (log: $LOGS/cli.log)"
  env "${SERVER_CLI_ENV[@]}" "$SERVER" users grant "$DEMO_USER" "$DEVICE_ID" --role owner >>"$LOGS/cli.log" 2>&1 \
    || die "granting the demo meter failed (log: $LOGS/cli.log)"
  touch "$DEMO/user-created"
fi

# ---------------------------------------------------------------------------------------------------
EDGE_ENV=(
  HW_P1_HOST="127.0.0.1:$SIM_HTTPS_PORT"
  HW_P1_TOKEN="$DEMO_METER_TOKEN"
  HW_API_VERSION=2
  HW_TRANSPORT=auto
  HW_CA_FILE="$SIM_CA"
  DEVICE_ID="$DEVICE_ID"
  VPS_INGEST_URL="https://127.0.0.1:$SERVER_PORT/v1/ingest"
  VPS_TOKEN="$DEMO_DEVICE_TOKEN"
  VPS_CA_FILE="$CERTS/ca.pem"
  SPOOL_PATH="$DEMO/edge/spool.db"
  HEALTH_PATH="$DEMO/edge/health.json"
  UPLOAD_INTERVAL_S=2
  TIMEZONE=Europe/Brussels
)

# ---------------------------------------------------------------------------------------------------
# The daemon starts before the backfill so that it reads the live meter from (nearly) its start; the
# backfill adds the history to the same spool meanwhile.
step "edge daemon (simulator -> spool -> https://127.0.0.1:$SERVER_PORT/v1/ingest)"
rm -f "$DEMO/edge/health.json"
start_child edge env "${EDGE_ENV[@]}" "$EDGE"
wait_until edge 60 test -s "$DEMO/edge/health.json"

BACKFILL_TOTAL=0
if [ ! -f "$DEMO/backfilled" ]; then
  step "history: $HISTORY_DAYS days of meter readings (first run only)"
  HISTORY="$DEMO/history.csv"
  # The history ends where the live meter began ($METER_START): the whole days before today and today so far.
  "$SIM" history --days "$HISTORY_DAYS" --out "$HISTORY" --seed "$SEED" \
    --end "$METER_START" --interval-s "$HISTORY_INTERVAL_S" >>"$LOGS/simulator.log" 2>&1 \
    || die "writing the history failed (log: $LOGS/simulator.log)"
  BACKFILL_TOTAL=$(($(wc -l <"$HISTORY") - 1))
  echo "  $BACKFILL_TOTAL readings in $HISTORY, up to the meter's start at $METER_START"
  step "backfill: spooling the history on the edge"
  if ! env "${EDGE_ENV[@]}" "$EDGE" backfill "$HISTORY" 2>&1 | tee -a "$LOGS/backfill.log"; then
    die "backfill failed (log: $LOGS/backfill.log)"
  fi
  # The daemon's next health file (every 5 s) counts the whole backfill; one written meanwhile would not.
  rm -f "$DEMO/edge/health.json"
fi

spool_depth() {
  grep -oE '"spool_depth": *[0-9]+' "$DEMO/edge/health.json" 2>/dev/null | grep -oE '[0-9]+$' || echo ""
}

progress_bar() {
  local done="$1" total="$2" width=40
  local filled=$((total > 0 ? done * width / total : width))
  local percent=$((total > 0 ? done * 100 / total : 100))
  printf '\r  upload [%-*s] %3d%% %d/%d samples' "$width" "$(printf '%*s' "$filled" '' | tr ' ' '#')" "$percent" "$done" "$total"
}

if ((BACKFILL_TOTAL > 0)); then
  step "uploading the history to the server"
  # The live meter adds a sample per second, so "done" is a spool of at most a few batches' worth.
  while :; do
    require_running edge
    require_running server
    depth="$(spool_depth)"
    if [ -n "$depth" ]; then
      uploaded=$((BACKFILL_TOTAL - depth))
      ((uploaded < 0)) && uploaded=0
      progress_bar "$uploaded" "$BACKFILL_TOTAL"
      if ((depth <= 100)); then
        progress_bar "$BACKFILL_TOTAL" "$BACKFILL_TOTAL"
        echo
        break
      fi
    fi
    sleep 1
  done
  touch "$DEMO/backfilled"
fi

# ---------------------------------------------------------------------------------------------------
BASE="https://127.0.0.1:$SERVER_PORT"
MONTH="$(TZ=Europe/Brussels date +%Y-%m)"
CURL="curl --cacert $CERTS/ca.pem -H 'Authorization: Bearer $DEMO_DEVICE_TOKEN'"
echo
bold "P1 Telemetry demo is running."
cat <<EOF

  Dashboard (a browser on this machine, no certificate warning):
                                  http://127.0.0.1:$DASHBOARD_PORT/
    sign in as '$DEMO_USER' with password '$DEMO_PASSWORD'
    This address answers on this machine only and refuses tokens and uploads; over HTTPS the same dashboard
    is at $BASE/ once the browser trusts the demo's own CA, in one step:
      import $CERTS/ca.pem as a trusted authority (Chromium: Settings > Privacy and security > Security >
      Manage certificates > Authorities > Import; Firefox: Settings > Privacy & Security > Certificates >
      View Certificates > Authorities > Import), or on Debian/Ubuntu for Chromium in one command:
      certutil -d sql:\$HOME/.pki/nssdb -A -t "C,," -n p1-demo-ca -i $CERTS/ca.pem

  API documentation (Swagger UI): $BASE/swagger
  OpenAPI document:               $BASE/openapi/v1.json
  Health:                         $BASE/health
  Realtime:                       $BASE/v1/realtime?device_id=$DEVICE_ID
  Capacity (this month):          $BASE/v1/capacity/month/$MONTH?device_id=$DEVICE_ID
  Series (this month, by day):    $BASE/v1/series?device_id=$DEVICE_ID&frame=month&bucket=day

  Try (the server's certificate comes from the demo CA in $CERTS/ca.pem):
    $CURL '$BASE/v1/realtime?device_id=$DEVICE_ID'
    $CURL '$BASE/v1/capacity/month/$MONTH?device_id=$DEVICE_ID'
    $CURL '$BASE/v1/series?device_id=$DEVICE_ID&frame=month&bucket=day'

  Demo device token: $DEMO_DEVICE_TOKEN   (device_id $DEVICE_ID)
  Meter simulator:   https://127.0.0.1:$SIM_HTTPS_PORT (v2), http://127.0.0.1:$SIM_HTTP_PORT (v1)
  Edge health:       $DEMO/edge/health.json
  Logs:              $LOGS/{simulator,server,edge}.log

Press Ctrl-C to stop.
EOF

# Keep running until Ctrl-C, or until one of the components dies.
while :; do
  for name in simulator server edge; do require_running "$name"; done
  sleep 1
done
