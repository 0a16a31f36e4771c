#!/usr/bin/env bash
# Live web chat under load: visitor WebSockets paired with agent delivery, with a durability check.
#
# 1. builds the release binary (separate scratch path .build-release, so it never touches .build);
# 2. starts `switchboard serve` on a temporary data dir (SQLite, persistence on: the default,
#    synchronous=FULL) with the widget per-IP limits off (all load comes from 127.0.0.1) and the admin
#    from SWITCHBOARD_ADMIN_EMAIL / SWITCHBOARD_ADMIN_PASSWORD;
# 3. runs Benchmarks/chat_load.py: CHATS visitor sessions and sockets (server RSS measured before and
#    after they are open and idle), one agent realtime socket, a warm-up message per chat (creates the
#    conversations), then an open-loop constant-rate phase: RATE visitor messages/s spread over the chats
#    and REPLY_RATE agent replies/s through the REST API; latency from each message's scheduled send time
#    to the visitor's ack, to the agent socket's message.created, and (replies) to the visitor's socket.
#    RATE may list several rates ("500 1000 2000"): consecutive steps on the same sockets, which answers
#    "what is the highest rate that keeps p99 within the target";
# 4. stops the server with SIGTERM and opens the database: every acknowledged message must be stored;
# 5. prints a markdown results block and writes it to Benchmarks/results/chat-<date>.md.
#
# Env: CHATS (10000)  RATE (5000 visitor messages/s, aggregate; or a list of steps)  DURATION (30 s per step)
#      REPLY_RATE (agent replies/s; default a tenth of each step's RATE, i.e. 500 at 5000)
#      WARMUP_RATE (first message of every chat, per second; default min(first RATE, 1000))
#      WORKERS (2 load-generator processes for the visitors; the agent socket has its own process)
#      RETRIES (1: a step during which other processes used > 30 % of a core is run again, this many times)
#      EXTRA_AGENTS (0: more agent realtime sockets, like admins each receiving every event; a passive process
#              counts their bytes; measures what fanning each event out to more agents costs the server)
#      HTTP_CONNECTIONS (128 per visitor worker, for the agent replies: at 500 replies/s and a server answering
#              in 300 ms, 32 had replies queueing in the client for seconds)
#      CLIENT (native: the visitor sockets and the agent replies' POSTs in a compiled epoll engine,
#              Benchmarks/chat_engine.c, compiled here with gcc, one engine process per worker; the Python
#              workers keep sessions and reporting. It needs about a third to half the CPU per message of the
#              Python client (the rest is the kernel's loopback TCP work) and adds no event-loop delay; the
#              replies in it cost a tenth of aiohttp's CPU | raw: the generator's own lean Python WebSocket
#              client, replies through aiohttp | websockets: the library, as a cross-check)
#      COMPRESSION (CLIENT=websockets only: browser = offer permessage-deflate like browsers do | none)
#      PORT (a free one)  SERVER_ARGS (extra `serve` flags, e.g. "--widget-visitor-message-rate 20")
#      SKIP_BUILD=1   reuse .build-release/release/switchboard if it exists
#      BIN=PATH       run this server binary instead (no build)
#      NO_RECORD=1    do not write Benchmarks/results/ (trial runs)
#      KEEP_DATA=1    keep the temporary data dir (database, server log, raw results.json)
#      PROFILE=1      sample the server with perf for 5 s halfway through the last step; print where CPU goes
# Exit status: 0 when the run completed and every acknowledged message was stored, 1 otherwise.
# Whether the targets are met is reported, not turned into the exit status.
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONDONTWRITEBYTECODE=1

CHATS=${CHATS:-10000}
RATE=${RATE:-5000}
DURATION=${DURATION:-30}
REPLY_RATE=${REPLY_RATE:-}
WORKERS=${WORKERS:-2}
CLIENT=${CLIENT:-native}
COMPRESSION=${COMPRESSION:-browser}
BIN=${BIN:-.build-release/release/switchboard}
ADMIN_EMAIL=bench@example.com
ADMIN_PASSWORD=benchpass1

log() { printf '== %s\n' "$*" >&2; }
fail() { printf 'chat.sh: %s\n' "$*" >&2; exit 1; }
case "$CHATS$DURATION$REPLY_RATE$WORKERS${RETRIES:-}${EXTRA_AGENTS:-}" in *[!0-9.]*) fail "CHATS, DURATION, REPLY_RATE, WORKERS, RETRIES, EXTRA_AGENTS must be numbers" ;; esac
case "$RATE" in *[!0-9.\ ,]*|"") fail "RATE must be a number or a list of numbers" ;; esac

# --- tools ---------------------------------------------------------------------------------------
command -v curl >/dev/null || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends curl >/dev/null; }
command -v python3 >/dev/null || fail "python3 is needed for the load generator"
if ! python3 -c 'import websockets, aiohttp' 2>/dev/null; then
  log "pip install websockets aiohttp"
  python3 -m pip install -q websockets aiohttp >&2
fi
python3 -c 'import uvloop' 2>/dev/null || python3 -m pip install -q uvloop >&2 2>/dev/null || log "uvloop unavailable; plain asyncio"
python3 -c 'import websockets, aiohttp' || fail "python packages websockets and aiohttp are needed"
case "$CLIENT" in native|raw|websockets) ;; *) fail "CLIENT must be native, raw or websockets" ;; esac
if [ "$CLIENT" = native ]; then
  command -v gcc >/dev/null || fail "CLIENT=native compiles Benchmarks/chat_engine.c and needs gcc (or use CLIENT=raw)"
fi

# --- file descriptors: the server holds one per visitor socket, each load worker its share -------
NEED_FDS=$((CHATS + 2048))
HARD_FDS=$(ulimit -Hn)
if [ "$HARD_FDS" != unlimited ] && [ "$HARD_FDS" -lt "$NEED_FDS" ]; then
  ulimit -Hn "$NEED_FDS" 2>/dev/null || true
  HARD_FDS=$(ulimit -Hn)
fi
if [ "$HARD_FDS" = unlimited ] || [ "$HARD_FDS" -ge "$NEED_FDS" ]; then
  ulimit -n "$NEED_FDS"
else
  [ "$HARD_FDS" -ge $((CHATS + 256)) ] || fail "CHATS=$CHATS needs ~$NEED_FDS open files; the hard limit is $HARD_FDS"
  ulimit -n "$HARD_FDS"
fi
log "ulimit -n $(ulimit -n)"

# --- release build -------------------------------------------------------------------------------
# The commit a binary was built from is noted next to it, so a reused binary is reported correctly.
source_commit() {
  local c
  c=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
  git diff --quiet HEAD -- Sources Package.swift 2>/dev/null || c="$c + uncommitted changes in Sources"
  echo "$c"
}
if { [ "${SKIP_BUILD:-0}" = 1 ] || [ "$BIN" != .build-release/release/switchboard ]; } && [ -x "$BIN" ]; then
  log "reusing $BIN"
else
  log "swift build -c release --scratch-path .build-release --product switchboard"
  BUILT_FROM=$(source_commit)
  timeout 45m swift build -c release --scratch-path .build-release --product switchboard >&2
  printf '%s\n%s\n' "$BUILT_FROM" "$(stat -c %Y "$BIN")" > .build-release/switchboard.commit
fi
[ -x "$BIN" ] || fail "no server binary at $BIN"
BUILD_KIND=release
[ "$BIN" = .build-release/release/switchboard ] || BUILD_KIND="binary $BIN"

# The commit the binary was built from (trusted only if the binary has not been rebuilt since, e.g. by
# another benchmark script sharing .build-release).
if [ "$BIN" = .build-release/release/switchboard ] && [ -s .build-release/switchboard.commit ] \
   && [ "$(sed -n 2p .build-release/switchboard.commit)" = "$(stat -c %Y "$BIN")" ]; then
  COMMIT="$(sed -n 1p .build-release/switchboard.commit) (built $(date -u -r "$BIN" '+%Y-%m-%d %H:%M UTC'))"
else
  COMMIT="unknown: binary built $(date -u -r "$BIN" '+%Y-%m-%d %H:%M UTC'); the tree is at $(source_commit)"
fi

# --- server --------------------------------------------------------------------------------------
PORT=${PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}
BASE="http://127.0.0.1:$PORT"
DATA=$(mktemp -d /tmp/switchboard-chat.XXXXXX)
SERVER=""
LOAD_JOB=""
cleanup() {
  [ -z "$LOAD_JOB" ] || kill -TERM "$LOAD_JOB" 2>/dev/null || true
  if [ -n "$SERVER" ] && kill -0 "$SERVER" 2>/dev/null; then
    kill -KILL "$SERVER" 2>/dev/null || true
    wait "$SERVER" 2>/dev/null || true
  fi
  if [ "${KEEP_DATA:-0}" = 1 ]; then log "kept $DATA"; else rm -rf "$DATA"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

curl -s -o /dev/null "$BASE/healthz" && fail "something already answers on port $PORT"
# Run a private copy, so a rebuild of .build-release during the run cannot change what is measured.
mkdir "$DATA/bin" && cp "$BIN" "$DATA/bin/switchboard"
ENGINE_ARGS=()
if [ "$CLIENT" = native ]; then
  gcc -O2 -Wall -Wextra -o "$DATA/chat_engine" Benchmarks/chat_engine.c || fail "compiling Benchmarks/chat_engine.c failed"
  "$DATA/chat_engine" --selftest >/dev/null || fail "$DATA/chat_engine --selftest failed"
  ENGINE_ARGS=(--engine "$DATA/chat_engine")
fi
# $SERVER is the server's own pid: the load generator reads /proc/$SERVER for RSS and CPU.
# shellcheck disable=SC2086  # SERVER_ARGS is a list of flags
SWITCHBOARD_ADMIN_EMAIL=$ADMIN_EMAIL SWITCHBOARD_ADMIN_PASSWORD=$ADMIN_PASSWORD \
  "$DATA/bin/switchboard" serve --data-dir "$DATA" --port "$PORT" --log-level warning \
  --widget-ip-message-rate 0 --widget-ip-session-rate 0 ${SERVER_ARGS:-} > "$DATA/serve.log" 2>&1 &
SERVER=$!
log "serve on $BASE (pid $SERVER), data dir $DATA"
for _ in $(seq 300); do
  curl -s "$BASE/healthz" 2>/dev/null | grep -q ok && break
  kill -0 "$SERVER" 2>/dev/null || { cat "$DATA/serve.log" >&2; fail "server exited during start-up"; }
  sleep 0.1
done
curl -s "$BASE/healthz" | grep -q ok || { cat "$DATA/serve.log" >&2; fail "server not healthy after 30 s"; }
PROBE=$(curl -s "$BASE/api/v1/widget/nope/config" || true)
grep -q '"error"' <<<"$PROBE" || fail "this build has no widget API (GET /api/v1/widget/nope/config answered '$PROBE')"

# --- load ----------------------------------------------------------------------------------------
# Bounded: setup (sessions and sockets at a few hundred per second at worst) + warm-up + run + drains.
STEPS=$(wc -w <<<"${RATE//,/ }")
LIMIT=$(( (DURATION + 60) * STEPS * (${RETRIES:-1} + 1) + 900 + CHATS / 10 ))
PERF_ARGS=()
if [ "${PROFILE:-0}" = 1 ]; then
  command -v perf >/dev/null || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends linux-perf >/dev/null || true; }
  if command -v perf >/dev/null; then PERF_ARGS=(--perf-out "$DATA/perf.data"); else log "perf unavailable; PROFILE ignored"; fi
fi
REPLY_ARGS=()
[ -z "$REPLY_RATE" ] || REPLY_ARGS=(--reply-rate "$REPLY_RATE")
[ -z "${WARMUP_RATE:-}" ] || REPLY_ARGS+=(--warmup-rate "$WARMUP_RATE")
REPLY_ARGS+=(--retries "${RETRIES:-1}")
[ -z "${EXTRA_AGENTS:-}" ] || REPLY_ARGS+=(--extra-agents "$EXTRA_AGENTS")
[ -z "${HTTP_CONNECTIONS:-}" ] || REPLY_ARGS+=(--http-connections "$HTTP_CONNECTIONS")
log "load: $CHATS chats, $RATE visitor msg/s, ${REPLY_RATE:-RATE/10} replies/s, ${DURATION}s per step, $WORKERS worker(s) (bounded to ${LIMIT}s)"
timeout "$LIMIT" python3 Benchmarks/chat_load.py run --base "$BASE" --server-pid "$SERVER" \
  --email "$ADMIN_EMAIL" --password "$ADMIN_PASSWORD" --out "$DATA/load" --chats "$CHATS" --rate "$RATE" \
  --duration "$DURATION" "${REPLY_ARGS[@]}" --workers "$WORKERS" --client "$CLIENT" "${ENGINE_ARGS[@]}" --compression "$COMPRESSION" "${PERF_ARGS[@]}" &
LOAD_JOB=$!
LOAD_STATUS=0
wait "$LOAD_JOB" || LOAD_STATUS=$?
LOAD_JOB=""

# --- graceful stop -------------------------------------------------------------------------------
log "stopping the server (SIGTERM)"
kill -TERM "$SERVER"
STOP_STATUS=""
for _ in $(seq 300); do kill -0 "$SERVER" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$SERVER" 2>/dev/null; then
  STOP_STATUS="did not stop within 30 s (killed)"
  kill -KILL "$SERVER"; wait "$SERVER" 2>/dev/null || true
else
  code=0; wait "$SERVER" || code=$?
  [ "$code" = 0 ] && STOP_STATUS="exit 0" || STOP_STATUS="exit $code"
fi
SERVER=""
if grep -qv 'listening on' "$DATA/serve.log"; then
  log "server log (warnings and errors, last 20 lines)"
  grep -v 'listening on' "$DATA/serve.log" | tail -20 >&2
fi
[ "$LOAD_STATUS" = 0 ] || fail "the load generator failed (status $LOAD_STATUS)"
if [ -s "$DATA/perf.data" ]; then
  log "perf: server CPU by thread, then hottest functions (self time)"
  { perf report -i "$DATA/perf.data" --no-children --sort comm --stdio -g none 2>/dev/null | grep -v '^#' | grep -v '^$' | head -12
    echo
    perf report -i "$DATA/perf.data" --no-children --sort dso,sym --stdio -g none 2>/dev/null | grep -v '^#' | grep -v '^$' | head -45
  } >&2 || true
fi

# --- durability check and report -----------------------------------------------------------------
REPORT_STATUS=0
python3 Benchmarks/chat_load.py report --out "$DATA/load" --db "$DATA/switchboard.sqlite" \
  --stop-status "$STOP_STATUS" --commit "$COMMIT" --build "$BUILD_KIND" > "$DATA/report.md" || REPORT_STATUS=$?
echo
cat "$DATA/report.md"
if [ "${NO_RECORD:-0}" != 1 ]; then
  mkdir -p Benchmarks/results
  OUT="Benchmarks/results/chat-$(date -u +%Y-%m-%d-%H%M).md"
  cp "$DATA/report.md" "$OUT"
  log "written to $OUT"
fi
[ "$REPORT_STATUS" = 0 ] || fail "durability check failed (see the report)"
