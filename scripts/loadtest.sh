#!/usr/bin/env bash
# Load the list endpoint from a second process (wrk, on 127.0.0.1) against the production server `make run`
# uses (gunicorn) and one alternative (granian, WSGI), with the same worker count, on the same database.
# Bounded: each run lasts DURATION and stops by itself.
#
#   apt-get install wrk && .venv/bin/pip install -e '.[bench]'
#   DATABASE_URL=postgres://... PARCELBACK_DATA_DIR=/tmp/pb-load scripts/loadtest.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
WORKERS=${WORKERS:-3}
DURATION=${DURATION:-20s}
CONNECTIONS=${CONNECTIONS:-16}
LOAD_USER=${LOAD_USER:-gen-merchant}
QUERY=${QUERY:-/api/v1/reverse-orders?tab=customs_return&status=awaiting_instruction&limit=50}
export PARCELBACK_API_RATE=100000000/min   # measure the server, not the rate limiter

TOKEN=$($BIN/parcelback token create "$LOAD_USER")
$BIN/parcelback collectstatic --noinput -v 0

wait_for() { for _ in $(seq 1 100); do curl -fs -o /dev/null -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$1$QUERY" && return; sleep 0.2; done; echo "server on $1 did not start" >&2; exit 1; }

load() {
  local name=$1 port=$2; shift 2
  "$@" >/tmp/loadtest-$name.log 2>&1 &
  local pid=$!
  wait_for "$port"
  echo "=== $name, $WORKERS workers, $CONNECTIONS connections, $DURATION ==="
  wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --latency -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$port$QUERY" \
    | grep -E "Requests/sec|Non-2xx|Socket errors|^ +(50|90|99)%"
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

load gunicorn 8101 $BIN/gunicorn parcelback.wsgi:application --bind 127.0.0.1:8101 --workers "$WORKERS"
load granian 8102 $BIN/granian --interface wsgi --workers "$WORKERS" --host 127.0.0.1 --port 8102 parcelback.wsgi:application
