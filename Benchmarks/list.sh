#!/usr/bin/env bash
# The workspace's conversation list with 100,000 conversations: latency of GET /api/v1/conversations
# (a page of 25) for the filters the inbox uses.
#
# 1. builds the release binary (.build-release) unless SKIP_BUILD=1;
# 2. starts `switchboard serve` (SQLite) on a fresh data dir and seeds CONVERSATIONS conversations through
#    the real inbound API (wrk + ingest.lua, every message a new customer), in two inboxes;
# 3. makes the data look like a working help desk with sqlite3: half resolved, a third assigned, 1 % labelled;
# 4. for each query, wrk (1 thread, CONNS connections, DURATION) against the list endpoint; prints
#    requests/s and p50/p99/max, and appends a dated table to BENCHMARKS.md unless NO_RECORD=1.
#
# Env: CONVERSATIONS (100000)  CONNS (4)  DURATION (10s)  SKIP_BUILD=1  NO_RECORD=1
#      KEEP_DATA=DIR  seed once into DIR and keep it; a later run with the same KEEP_DATA reuses the data
# Target (issue 4): p99 <= 20 ms for a page of 25.
set -euo pipefail
cd "$(dirname "$0")/.."

CONVERSATIONS=${CONVERSATIONS:-100000}
CONNS=${CONNS:-4}
DURATION=${DURATION:-10s}
BIN=.build-release/release/switchboard
fail() { printf 'list.sh: %s\n' "$*" >&2; exit 1; }
log() { printf '== %s\n' "$*"; }

for tool in wrk sqlite3 curl; do
  command -v "$tool" >/dev/null || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk sqlite3 curl >/dev/null; break; }
done
if [ "${SKIP_BUILD:-0}" = 1 ] && [ -x "$BIN" ]; then
  log "reusing $BIN (SKIP_BUILD=1)"
else
  timeout 45m swift build -c release --scratch-path .build-release --product switchboard
fi

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
BASE="http://127.0.0.1:$PORT"
REUSE=0
if [ -n "${KEEP_DATA:-}" ]; then
  DATA=$KEEP_DATA
  [ -f "$DATA/switchboard.sqlite" ] && REUSE=1
  mkdir -p "$DATA"
else
  DATA=$(mktemp -d /tmp/switchboard-list-bench.XXXXXX)
fi
SERVER=""
cleanup() {
  if [ -n "$SERVER" ] && kill -0 "$SERVER" 2>/dev/null; then kill -TERM "$SERVER"; wait "$SERVER" 2>/dev/null || true; fi
  [ -n "${KEEP_DATA:-}" ] || rm -rf "$DATA"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$BIN" serve --data-dir "$DATA" --port "$PORT" --log-level warning > "$DATA/serve.log" 2>&1 &
SERVER=$!
for _ in $(seq 300); do curl -s "$BASE/healthz" 2>/dev/null | grep -q ok && break; sleep 0.1; done
curl -s "$BASE/healthz" | grep -q ok || { cat "$DATA/serve.log" >&2; fail "server not healthy"; }
json_field() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
[ "$REUSE" = 1 ] || "$BIN" admin create --data-dir "$DATA" --email bench@example.com --password benchpass1 --name Bench >/dev/null
LOGIN=$(curl -sf "$BASE/api/v1/auth/login" -H 'Content-Type: application/json' -d '{"email":"bench@example.com","password":"benchpass1"}')
TOKEN=$(json_field token <<<"$LOGIN")
AGENT_ID=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["agent"]["id"])' <<<"$LOGIN")

if [ "$REUSE" = 0 ]; then
  # --- seed through the API: two inboxes, every message from a new customer ---------------------------
  for name in Shop Billing; do
    INBOX=$(curl -sf "$BASE/api/v1/inboxes" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
      -d "{\"name\":\"$name\",\"channel\":\"api\"}")
    INBOX_ID=$(json_field id <<<"$INBOX"); INBOUND=$(json_field inbound_token <<<"$INBOX")
    log "seeding $((CONVERSATIONS / 2)) conversations into $name"
    ROUND=0
    while :; do
      HAVE=$(sqlite3 "file:$DATA/switchboard.sqlite?mode=ro" "select count(*) from conversations where inbox_id='$INBOX_ID'")
      NEED=$((CONVERSATIONS / 2 - HAVE))
      [ "$NEED" -gt 0 ] || break
      ROUND=$((ROUND + 1))
      [ "$ROUND" -le 20 ] || fail "seeding $name made no progress ($HAVE conversations)"
      # Each round is a time-boxed wrk run; rounds continue until the inbox holds its share. The contact
      # sequence starts after the customers of earlier rounds, so every message opens a new conversation.
      wrk -t1 -c32 -d"$(( NEED / 2000 + 2 ))s" -s Benchmarks/ingest.lua "$BASE" -- \
        "/api/v1/inboxes/$INBOX_ID/incoming" "$INBOUND" "seed-$name-$ROUND" "$((HAVE + ROUND * 1000))" 1000000000 >/dev/null
    done
  done

  # --- a working help desk: half resolved, a third assigned, 1 % labelled vip ---------------------------
  sqlite3 "$DATA/switchboard.sqlite" >/dev/null <<SQL
PRAGMA busy_timeout = 10000;
UPDATE conversations SET status = 'resolved' WHERE rowid % 2 = 0;
UPDATE conversations SET assignee_id = '$AGENT_ID' WHERE rowid % 3 = 0;
UPDATE conversations SET labels = '["vip"]' WHERE rowid % 100 = 0;
INSERT INTO conversation_labels (workspace_id, label, conversation_id)
  SELECT workspace_id, 'vip', id FROM conversations WHERE rowid % 100 = 0;
SQL
fi
mapfile -t INBOX_IDS < <(sqlite3 "file:$DATA/switchboard.sqlite?mode=ro" "select id from inboxes order by created_at")
TOTAL=$(sqlite3 "file:$DATA/switchboard.sqlite?mode=ro" "select count(*) from conversations")
log "$TOTAL conversations"

# --- measure -------------------------------------------------------------------------------------------
CURSOR=$(curl -sf "$BASE/api/v1/conversations?status=resolved&limit=100" -H "Authorization: Bearer $TOKEN" | json_field next_cursor)
declare -a NAMES QUERIES
add() { NAMES+=("$1"); QUERIES+=("$2"); }
add "open (the inbox's default)"        "status=open&limit=25"
add "all statuses"                      "limit=25"
add "mine, open"                        "status=open&assignee_id=me&limit=25"
add "unassigned, open"                  "status=open&assignee_id=none&limit=25"
add "one inbox, open"                   "status=open&inbox_id=${INBOX_IDS[1]}&limit=25"
add "channel api, resolved"             "status=resolved&channel=api&limit=25"
add "label vip (1 %)"                   "label=vip&limit=25"
add "next page (cursor)"                "status=resolved&limit=25&cursor=$CURSOR"
add "search, a rare word"               "q=4242&limit=25"
add "search, every message matches"     "q=order&limit=25"

ROWS=""
for i in "${!NAMES[@]}"; do
  URL="$BASE/api/v1/conversations?${QUERIES[$i]}"
  COUNT=$(curl -sf "$URL" -H "Authorization: Bearer $TOKEN" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["items"]))')
  OUT=$(wrk -t1 -c"$CONNS" -d"$DURATION" --latency -H "Authorization: Bearer $TOKEN" "$URL")
  RPS=$(awk '/^Requests\/sec/{printf "%d", $2}' <<<"$OUT")
  P50=$(awk '/^ +50%/{print $2}' <<<"$OUT"); P99=$(awk '/^ +99%/{print $2}' <<<"$OUT")
  MAX=$(awk '/^ +Latency/{print $4}' <<<"$OUT")
  NON2XX=$(awk '/Non-2xx/{print $5}' <<<"$OUT")
  printf '%-32s items=%-3s %6s req/s  p50 %-8s p99 %-8s max %-8s %s\n' "${NAMES[$i]}" "$COUNT" "$RPS" "$P50" "$P99" "$MAX" "${NON2XX:+non-2xx $NON2XX}"
  ROWS+="| ${NAMES[$i]} | $COUNT | $RPS | $P50 | $P99 | $MAX |"$'\n'
done

if [ "${NO_RECORD:-0}" != 1 ]; then
  {
    printf '\n## Conversation list — %s — %s conversations (SQLite)\n\n' "$(date -u '+%Y-%m-%d %H:%M UTC')" "$TOTAL"
    printf 'Machine: %s, %s cores; release build %s; wrk 1 thread, %s connections, %s per query.\n\n' \
      "$(uname -m)" "$(nproc)" "$(git rev-parse --short HEAD)" "$CONNS" "$DURATION"
    printf '| query (page of 25) | items | req/s | p50 | p99 | max |\n|---|---|---|---|---|---|\n%s' "$ROWS"
  } >> BENCHMARKS.md
  log "appended to BENCHMARKS.md"
fi
