#!/usr/bin/env bash
# Two server processes and two workers on one PostgreSQL, under load: no request may fail and no webhook
# may be delivered twice. Reads come from wrk against both servers while a provider creates ORDERS orders
# through them; every creation is a webhook that the two workers share out to a local receiver.
# Everything runs on 127.0.0.1, is bounded in time, and is stopped at the end.
#
#   DATABASE_URL=postgres://... PARCELBACK_DATA_DIR=/tmp/pb-cluster LOAD_USER=merchant1 PROVIDER_USER=provider1 \
#     WAREHOUSE=tokyo SHOP=shop1 scripts/cluster_check.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
DURATION=${DURATION:-20s}
ORDERS=${ORDERS:-1000}
LOAD_USER=${LOAD_USER:-gen-merchant}
PROVIDER_USER=${PROVIDER_USER:-gen-provider}
WAREHOUSE=${WAREHOUSE:-gen-wh-1-1}
SHOP=${SHOP:-gen-shop-01}
QUERY=${QUERY:-/api/v1/reverse-orders?tab=customs_return&status=awaiting_instruction&limit=50}
export PARCELBACK_API_RATE=100000000/min
RUN=$(date +%s)
LOG=$(mktemp -d)
PIDS=()
trap 'kill "${PIDS[@]}" 2>/dev/null || true' EXIT

READ_TOKEN=$($BIN/parcelback token create "$LOAD_USER")
WRITE_TOKEN=$($BIN/parcelback token create "$PROVIDER_USER")
$BIN/parcelback collectstatic --noinput -v 0

for port in 8103 8104; do
  $BIN/gunicorn parcelback.wsgi:application --bind 127.0.0.1:$port --workers 2 >"$LOG/server-$port.log" 2>&1 &
  PIDS+=($!)
done
for _ in $(seq 1 100); do curl -fs -o /dev/null -H "Authorization: Bearer $READ_TOKEN" "http://127.0.0.1:8104$QUERY" && break; sleep 0.2; done

SECRET=$(curl -fs -H "Authorization: Bearer $WRITE_TOKEN" -H "Content-Type: application/json" -X POST \
  http://127.0.0.1:8103/api/v1/webhook-endpoints \
  -d '{"url": "http://127.0.0.1:9101/", "event_types": ["reverse_order.created"]}' \
  | python3 -c 'import json, sys; print(json.load(sys.stdin)["secret"])')
$BIN/parcelback webhook_receiver --port 9101 --secret "$SECRET" >"$LOG/receiver.log" 2>&1 &
PIDS+=($!)
for n in 1 2; do $BIN/parcelback worker >"$LOG/worker-$n.log" 2>&1 & PIDS+=($!); done

LOADERS=()
for port in 8103 8104; do
  wrk -t1 -c8 -d"$DURATION" --latency -H "Authorization: Bearer $READ_TOKEN" "http://127.0.0.1:$port$QUERY" >"$LOG/wrk-$port.txt" &
  LOADERS+=($!)
done
failed_writes=0
for batch in $(seq 1 $((ORDERS / 100))); do
  port=$((8103 + batch % 2))
  body=$(python3 -c "import json; print(json.dumps({'orders': [{'external_ref': 'CLUSTER-$RUN-$batch-%d' % i, 'shop': '$SHOP',
    'warehouse': '$WAREHOUSE', 'reverse_type': 'intercept_reject', 'business_mode': 'pop', 'owner': {'id': 'OWN-CL', 'name': '货主'},
    'sales_return_no': 'ST$RUN', 'order_no': 'OD$RUN', 'lines': [{'product_id': '1', 'product_name': '眼罩', 'goods_id': '2',
    'goods_name': '眼罩', 'quantity': 1}]} for i in range(100)]}))")
  code=$(curl -s -o /dev/null -w "%{http_code}" -H "Authorization: Bearer $WRITE_TOKEN" -H "Content-Type: application/json" \
    -X POST "http://127.0.0.1:$port/api/v1/reverse-orders" -d "$body")
  [ "$code" = 201 ] || { failed_writes=$((failed_writes + 1)); echo "write to $port answered $code"; }
done
wait "${LOADERS[@]}"
for _ in $(seq 1 120); do
  [ "$(grep -c '^verified msg_' "$LOG/receiver.log" || true)" -ge "$ORDERS" ] && break; sleep 1
done
sleep 3  # a duplicate would arrive now
delivered=$(grep -c '^verified msg_' "$LOG/receiver.log" || true)
unique=$(grep '^verified msg_' "$LOG/receiver.log" | awk '{print $2}' | sort -u | wc -l)
echo "=== two servers (2 workers each) + two background workers, one database ==="
for port in 8103 8104; do echo "server $port:"; grep -E "Requests/sec|Non-2xx|Socket errors|^ +(50|99)%" "$LOG/wrk-$port.txt"; done
echo "orders created: $ORDERS in $((ORDERS / 100)) API calls, failed calls: $failed_writes"
echo "webhooks expected: $ORDERS, delivered: $delivered, distinct webhook-ids: $unique, duplicates: $((delivered - unique))"
[ "$failed_writes" = 0 ] && [ "$unique" = "$ORDERS" ] && [ "$delivered" = "$unique" ] \
  && ! grep -q "Non-2xx\|Socket errors" "$LOG"/wrk-*.txt
