#!/usr/bin/env bash
# Sustained generic-inbound throughput and acknowledgement latency, with a durability check.
#
# 1. builds the release binary (separate scratch path .build-release, so it never touches .build);
# 2. starts `switchboard serve` on a temporary data dir, creates an admin, logs in, creates an api inbox;
# 3. drives POST /api/v1/inboxes/{id}/incoming with wrk + Benchmarks/ingest.lua: every request is a
#    new message (unique external_id, ~1,000 contacts); wrk records the latency of each answer;
# 4. stops the server with SIGTERM and opens the database with sqlite3: every message acknowledged
#    with 201 must be stored (checked by message id and by count);
# 5. prints the figures and appends a dated section to BENCHMARKS.md.
#
# Env: CONNECTIONS (64)  DURATION (20s)  THREADS (1)  PORT (a free one)
#      SKIP_BUILD=1   reuse .build-release/release/switchboard if it exists
#      NO_RECORD=1    do not append to BENCHMARKS.md (trial runs)
#      PROFILE=1      sample the server with perf for 5 s halfway through and print where CPU goes
# Exit status: 0 when the run completed and every acknowledged message was stored, 1 otherwise.
# Whether the throughput/latency target is met is reported, not turned into the exit status.
set -euo pipefail
cd "$(dirname "$0")/.."

CONNECTIONS=${CONNECTIONS:-64}
DURATION=${DURATION:-20s}
THREADS=${THREADS:-1}
BIN=.build-release/release/switchboard
TARGET_RATE=5000      # acknowledged, durably committed messages per second
TARGET_P99_MS=50      # p99 acknowledgement latency

log() { printf '== %s\n' "$*"; }
fail() { printf 'ingest.sh: %s\n' "$*" >&2; exit 1; }

# Seconds in a wrk duration (e.g. 20, 20s, 2m, 1h), to bound how long wrk may take.
duration_seconds() {
  local value=${1%[smh]} unit=${1##*[0-9]}
  case "$unit" in ""|s) echo "$value" ;; m) echo $((value * 60)) ;; h) echo $((value * 3600)) ;; *) fail "bad DURATION $1" ;; esac
}
RUN_SECONDS=$(duration_seconds "$DURATION")

# --- tools ---------------------------------------------------------------------------------------
missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v sqlite3 >/dev/null || missing+=(sqlite3)
command -v curl >/dev/null || missing+=(curl)
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
command -v python3 >/dev/null || fail "python3 is needed to read JSON answers"

# --- release build -------------------------------------------------------------------------------
if [ "${SKIP_BUILD:-0}" = 1 ] && [ -x "$BIN" ]; then
  log "reusing $BIN (SKIP_BUILD=1)"
else
  log "swift build -c release --scratch-path .build-release --product switchboard"
  timeout 45m swift build -c release --scratch-path .build-release --product switchboard
fi
[ -x "$BIN" ] || fail "no release binary at $BIN"

# --- server --------------------------------------------------------------------------------------
PORT=${PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}
BASE="http://127.0.0.1:$PORT"
DATA=$(mktemp -d /tmp/switchboard-bench.XXXXXX)
SERVER=""
TOP_JOB=""
WRK_JOB=""
cleanup() {
  [ -z "$WRK_JOB" ] || pkill -TERM -P "$WRK_JOB" 2>/dev/null || true
  # shellcheck disable=SC2046  # the subshell and its current child (sleep, top or perf) together
  [ -z "$TOP_JOB" ] || kill "$TOP_JOB" $(pgrep -P "$TOP_JOB") 2>/dev/null || true
  if [ -n "$SERVER" ] && kill -0 "$SERVER" 2>/dev/null; then
    kill -KILL "$SERVER" 2>/dev/null || true
    wait "$SERVER" 2>/dev/null || true
  fi
  rm -rf "$DATA"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

curl -s -o /dev/null "$BASE/healthz" && fail "something already answers on port $PORT"
log "serve on $BASE, data dir $DATA"
"$BIN" serve --data-dir "$DATA" --port "$PORT" --log-level warning > "$DATA/serve.log" 2>&1 &
SERVER=$!
for _ in $(seq 300); do
  curl -s "$BASE/healthz" 2>/dev/null | grep -q ok && break
  kill -0 "$SERVER" 2>/dev/null || { cat "$DATA/serve.log" >&2; fail "server exited during start-up"; }
  sleep 0.1
done
curl -s "$BASE/healthz" | grep -q ok || { cat "$DATA/serve.log" >&2; fail "server not healthy after 30 s"; }

json_field() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
"$BIN" admin create --data-dir "$DATA" --email bench@example.com --password benchpass1 --name Bench >/dev/null
TOKEN=$(curl -sf "$BASE/api/v1/auth/login" -H 'Content-Type: application/json' \
  -d '{"email":"bench@example.com","password":"benchpass1"}' | json_field token)
INBOX=$(curl -sf "$BASE/api/v1/inboxes" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -d '{"name":"Bench","channel":"api"}')
INBOX_ID=$(json_field id <<<"$INBOX")
INBOUND=$(json_field inbound_token <<<"$INBOX")
BEFORE=$(sqlite3 "file:$DATA/switchboard.sqlite?mode=ro" "select count(*) from messages")
[ "$BEFORE" = 0 ] || fail "expected an empty messages table, found $BEFORE rows"

# --- load ----------------------------------------------------------------------------------------
# CPU time (clock ticks) the server process has used so far: utime + stime from /proc/PID/stat.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# Busy CPU time (clock ticks) of the whole machine, to see what else ran during the measurement.
busy_ticks() { awk '/^cpu /{print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }
TICKS=$(getconf CLK_TCK)
SERVER_CPU_BEFORE=$(cpu_ticks "$SERVER")
BUSY_BEFORE=$(busy_ticks)

log "wrk: $THREADS thread(s), $CONNECTIONS connections, $DURATION against POST /api/v1/inboxes/$INBOX_ID/incoming"
# A snapshot of top halfway through shows how the cores are shared between server and wrk.
# PROFILE=1 also samples the server's stacks with perf for 5 s (by thread, and hottest functions).
(
  sleep $((RUN_SECONDS / 2))
  # top's first frame averages since the process started; the second one covers the last second.
  second_frame() { awk '/^top - /{n++} n==2'; }
  top -b -n2 -d1 -w 160 2>/dev/null | second_frame | head -12 > "$DATA/top.txt" || true
  if [ "${PROFILE:-0}" = 1 ] && command -v perf >/dev/null; then
    perf record -q -F 499 -g -p "$SERVER" -o "$DATA/perf.data" -- sleep 5 >/dev/null 2>&1 || true
  fi
) &
TOP_JOB=$!
export ACK_FILE="$DATA/acked.txt"
# wrk runs in a background subshell (timed: wall, user and system seconds) so that a signal to this
# script is handled at once; cleanup then stops `timeout`, which passes the signal on to wrk.
(
  TIMEFORMAT='%R %U %S'
  time timeout $((RUN_SECONDS + 120)) wrk -t "$THREADS" -c "$CONNECTIONS" -d "$DURATION" --timeout 10s --latency \
    -s Benchmarks/ingest.lua "$BASE" -- "/api/v1/inboxes/$INBOX_ID/incoming" "$INBOUND" > "$DATA/wrk.out" 2>&1
) 2> "$DATA/wrk.time" &
WRK_JOB=$!
WRK_STATUS=0
wait "$WRK_JOB" || WRK_STATUS=$?
WRK_JOB=""
SERVER_CPU=$(( $(cpu_ticks "$SERVER") - SERVER_CPU_BEFORE ))
BUSY=$(( $(busy_ticks) - BUSY_BEFORE ))
RSS_MIB=$(( $(ps -o rss= -p "$SERVER" | tr -d ' ') / 1024 ))
wait "$TOP_JOB" 2>/dev/null || true
TOP_JOB=""
cat "$DATA/wrk.out"
[ "$WRK_STATUS" = 0 ] || fail "wrk failed (status $WRK_STATUS)"
RESULT=$(grep '^RESULT ' "$DATA/wrk.out") || fail "wrk printed no RESULT line"
field() { tr ' ' '\n' <<<"$RESULT" | sed -n "s/^$1=//p"; }
read -r WRK_WALL WRK_USER WRK_SYS < "$DATA/wrk.time"

if [ -s "$DATA/top.txt" ]; then log "top, halfway through the run"; cat "$DATA/top.txt"; fi
if [ -s "$DATA/perf.data" ]; then
  log "perf: server CPU by thread, then hottest functions (self time)"
  { perf report -i "$DATA/perf.data" --no-children --sort pid --stdio -g none 2>/dev/null | grep -v '^#' | grep -v '^$' | head -10
    echo
    perf report -i "$DATA/perf.data" --no-children --sort dso,sym --stdio -g none 2>/dev/null | grep -v '^#' | grep -v '^$' | head -40
  } || true
fi

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
if grep -qv 'listening on' "$DATA/serve.log"; then log "server log (warnings and errors)"; grep -v 'listening on' "$DATA/serve.log" | tail -20; fi

# --- durability ----------------------------------------------------------------------------------
CREATED=$(field created); OK_OTHER=$(field ok_other); NON2XX=$(field non2xx); REQUESTS=$(field requests)
ACKED=$((REQUESTS - NON2XX))          # every 2xx answer
SECONDS_RUN=$(field seconds)
DB="$DATA/switchboard.sqlite"
STORED=$(sqlite3 "$DB" "select count(*) from messages")
# Every acknowledged message id must be a row. wrk stops mid-flight: up to one request per connection
# may have been committed without wrk reading its 201, so the table may hold a few more rows than acks.
MISSING=$(sqlite3 "$DB" <<SQL
CREATE TEMP TABLE acked(id TEXT);
.mode csv
.import $ACK_FILE acked
.mode list
SELECT (SELECT count(*) FROM acked WHERE id NOT IN (SELECT id FROM messages)) || ' ' ||
       (SELECT count(DISTINCT id) FROM acked);
SQL
)
read -r MISSING_IDS DISTINCT_IDS <<<"$MISSING"
UNACKED=$((STORED - ACKED))
DURABLE=no
if [ "$OK_OTHER" = 0 ] && [ "$DISTINCT_IDS" = "$CREATED" ] && [ "$MISSING_IDS" = 0 ] \
   && [ "$UNACKED" -ge 0 ] && [ "$UNACKED" -le "$CONNECTIONS" ]; then
  DURABLE=yes
fi
if [ "$UNACKED" = 0 ]; then
  COUNT_NOTE="$STORED rows = $ACKED acknowledged"
else
  COUNT_NOTE="$STORED rows = $ACKED acknowledged + $UNACKED in flight when wrk stopped (committed, 201 not read)"
fi
DURABLE_TEXT="$DURABLE: $MISSING_IDS of $CREATED acknowledged message ids missing; $COUNT_NOTE"

# --- report --------------------------------------------------------------------------------------
RATE=$(python3 -c "print(round($ACKED / $SECONDS_RUN))")
P50=$(field p50_ms); P90=$(field p90_ms); P99=$(field p99_ms); P999=$(field p999_ms); MAX=$(field max_ms)
SERVER_CPU_PCT=$(python3 -c "print(round(100 * $SERVER_CPU / $TICKS / $SECONDS_RUN))")
WRK_CPU_PCT=$(python3 -c "print(round(100 * ($WRK_USER + $WRK_SYS) / $WRK_WALL))")
OTHER_CPU_PCT=$(python3 -c "print(max(0, round(100 * ($BUSY / $TICKS - $SERVER_CPU / $TICKS - $WRK_USER - $WRK_SYS) / $WRK_WALL)))")
if python3 -c "import sys; sys.exit(0 if $RATE >= $TARGET_RATE and $P99 <= $TARGET_P99_MS else 1)"; then
  TARGET="met (≥ $TARGET_RATE msg/s and p99 ≤ $TARGET_P99_MS ms)"
else
  TARGET="NOT met: $RATE msg/s (target ≥ $TARGET_RATE), p99 $P99 ms (target ≤ $TARGET_P99_MS)"
fi
CPU_MODEL=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)
MEM_GIB=$(awk '/MemTotal/{printf "%.0f", $2 / 1048576}' /proc/meminfo)
COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD -- Sources Package.swift 2>/dev/null || COMMIT="$COMMIT + uncommitted changes in Sources"
WHEN=$(date -u '+%Y-%m-%d %H:%M UTC')

echo
log "result"
echo "acknowledged: $ACKED in ${SECONDS_RUN}s = $RATE messages/s"
echo "ack latency:  p50 $P50 ms, p90 $P90 ms, p99 $P99 ms, p99.9 $P999 ms, max $MAX ms"
echo "errors:       non-2xx $NON2XX, other 2xx $OK_OTHER, socket errors $(field socket_errors), timeouts $(field timeouts)"
echo "durability:   $DURABLE_TEXT"
echo "shutdown:     $STOP_STATUS"
echo "CPU:          server ${SERVER_CPU_PCT}% of one core, wrk ${WRK_CPU_PCT}%, everything else ${OTHER_CPU_PCT}% ($(nproc) cores = $(($(nproc) * 100))%)"
[ "$OTHER_CPU_PCT" -lt 20 ] || echo "warning: other processes used ${OTHER_CPU_PCT}% of a core during the run; figures are disturbed"
echo "target:       $TARGET"

if [ "${NO_RECORD:-0}" != 1 ]; then
  if [ ! -f BENCHMARKS.md ]; then
    cat > BENCHMARKS.md <<'MD'
# Benchmarks

Figures measured on the project machine with the scripts in `Benchmarks/`; load generators run on the
same box as the server, so they compete with it for the CPU.

## Method: generic inbound ingest (`Benchmarks/ingest.sh`)

Release build. `switchboard serve` on a fresh data dir (SQLite, WAL, `synchronous=FULL`, group commit).
wrk with `Benchmarks/ingest.lua` posts to `POST /api/v1/inboxes/{id}/incoming`; every request is a new
message (unique `external_id`, ~1,000 contacts). *Messages/s* counts 2xx answers per second of the run;
latency is from request sent to answer read (wrk `--latency`). After the run the server is stopped with
SIGTERM and the database is opened with `sqlite3`: every `message_id` answered with 201 must be a row.
wrk stops with up to one request per connection in flight, which the server may commit without wrk
reading the answer; those show as rows beyond the acknowledged count.

Target (issue): ≥ 5,000 acknowledged, durably committed messages/s with p99 ack ≤ 50 ms on this 2-core
machine, release build, load generator on the same box.

# Results
MD
  fi
  cat >> BENCHMARKS.md <<MD

## Ingest — $WHEN — $CONNECTIONS connections
- Machine: $(nproc) cores ($CPU_MODEL), $(uname -m), $MEM_GIB GiB RAM, Linux $(uname -r).
- Build: release, commit $COMMIT.
- Load: wrk $THREADS thread(s), $CONNECTIONS connections, $DURATION, same box; \`Benchmarks/ingest.sh\`.

| messages/s | acknowledged | p50 | p90 | p99 | p99.9 | max | non-2xx | CPU server / wrk / other | server RSS |
|---|---|---|---|---|---|---|---|---|---|
| $RATE | $ACKED | $P50 ms | $P90 ms | $P99 ms | $P999 ms | $MAX ms | $NON2XX | ${SERVER_CPU_PCT}% / ${WRK_CPU_PCT}% / ${OTHER_CPU_PCT}% | $RSS_MIB MiB |

- Durability: $DURABLE_TEXT. Shutdown on SIGTERM: $STOP_STATUS.
- Target: $TARGET.
MD
  log "appended to BENCHMARKS.md"
fi

[ "$DURABLE" = yes ] || fail "durability check failed: $DURABLE_TEXT"
