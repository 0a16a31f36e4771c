#!/usr/bin/env bash
# Sustained generic-inbound throughput and acknowledgement latency, with a durability check.
#
# Builds a release binary, starts `switchboard serve` on a temporary data dir, drives
# POST /api/v1/inboxes/{id}/incoming with wrk (every request a new message), stops the server and
# counts the messages in the database: every 201 must be there. Appends the figures to BENCHMARKS.md.
#
# Env: CONNECTIONS (64), DURATION (20s), THREADS (1), PORT (18500), SKIP_BUILD=1 to reuse the binary.
set -euo pipefail
cd "$(dirname "$0")/.."
CONNECTIONS=${CONNECTIONS:-64}
DURATION=${DURATION:-20s}
THREADS=${THREADS:-1}
PORT=${PORT:-18500}
BIN=.build-release/release/switchboard

command -v wrk >/dev/null && command -v sqlite3 >/dev/null || {
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk sqlite3 >/dev/null; }
if [ "${SKIP_BUILD:-0}" != 1 ] || [ ! -x "$BIN" ]; then
  swift build -c release --scratch-path .build-release --product switchboard
fi

DATA=$(mktemp -d /tmp/switchboard-bench.XXXXXX)
SERVER=""
cleanup() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; rm -rf "$DATA"; }
trap cleanup EXIT

"$BIN" serve --port "$PORT" --data-dir "$DATA" --log-level warning > "$DATA/serve.log" 2>&1 &
SERVER=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
"$BIN" admin create --data-dir "$DATA" --email bench@example.com --password benchpass1 --name Bench >/dev/null
TOKEN=$(curl -sf "http://127.0.0.1:$PORT/api/v1/auth/login" -d '{"email":"bench@example.com","password":"benchpass1"}' \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
INBOX=$(curl -sf "http://127.0.0.1:$PORT/api/v1/inboxes" -H "Authorization: Bearer $TOKEN" -d '{"name":"Bench","channel":"api"}')
INBOX_ID=$(echo "$INBOX" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
INBOUND=$(echo "$INBOX" | python3 -c 'import json,sys; print(json.load(sys.stdin)["inbound_token"])')

echo "wrk: $THREADS thread(s), $CONNECTIONS connections, $DURATION"
OUT=$(timeout 600 wrk -t "$THREADS" -c "$CONNECTIONS" -d "$DURATION" --latency -s Benchmarks/ingest.lua \
  "http://127.0.0.1:$PORT" -- "/api/v1/inboxes/$INBOX_ID/incoming" "$INBOUND")
echo "$OUT"
RSS_KB=$(ps -o rss= -p "$SERVER" | tr -d ' ')
kill -TERM "$SERVER"; wait "$SERVER" || true; SERVER=""

RESULT=$(echo "$OUT" | grep '^RESULT')
field() { echo "$RESULT" | tr ' ' '\n' | grep "^$1=" | cut -d= -f2; }
REQUESTS=$(field requests); NON201=$(field non201); SECONDS_RUN=$(field seconds)
ACKED=$((REQUESTS - NON201))
STORED=$(sqlite3 "$DATA/switchboard.sqlite" "select count(*) from messages")
RATE=$(python3 -c "print(round($ACKED / $SECONDS_RUN))")
# Requests still in flight when wrk stops (at most one per connection) may be stored without wrk seeing the 201.
if [ "$STORED" -ge "$ACKED" ] && [ "$STORED" -le $((ACKED + CONNECTIONS)) ]; then DURABLE="yes ($STORED stored >= $ACKED acknowledged)"; else DURABLE="NO ($STORED stored, $ACKED acknowledged)"; fi
echo "acknowledged=$ACKED stored=$STORED rate=${RATE}/s durable=$DURABLE"

[ -f BENCHMARKS.md ] || printf '# Benchmarks\n\nFigures measured on the project machine; each section says how. Load generators run on the same box as the server.\n' > BENCHMARKS.md
cat >> BENCHMARKS.md <<MD

## Generic inbound ingest — $(date -u +%Y-%m-%d) — ${CONNECTIONS} connections
Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -m), $(free -g | awk '/Mem:/{print $2}') GiB.
Release build, SQLite WAL \`synchronous=FULL\`, group commit; wrk (${THREADS} thread, ${CONNECTIONS} connections, ${DURATION}) on the same box; \`Benchmarks/ingest.sh\`.

| acknowledged (201) | messages/s | p50 ack | p99 ack | p99.9 ack | max | non-201 | stored after stop | server RSS |
|---|---|---|---|---|---|---|---|---|
| $ACKED | $RATE | $(field p50_ms) ms | $(field p99_ms) ms | $(field p999_ms) ms | $(field max_ms) ms | $NON201 | $DURABLE | $((RSS_KB / 1024)) MiB |
MD
