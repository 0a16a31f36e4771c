#!/usr/bin/env bash
# Scale-out on PostgreSQL: persisted inbound messages/s with 1, 2 and 3 nodes on one database, and
# cross-node realtime delivery latency, with a durability check after every run.
#
# 1. builds the release binary (scratch path .build-release; skipped when that binary is newer than
#    every file in Sources/ and Package.swift/Package.resolved) and copies it to a temp dir, so a
#    relink during the run cannot touch the processes;
# 2. starts a throwaway PostgreSQL 15 cluster of its own (initdb as the postgres user into a temp dir,
#    127.0.0.1 only, synchronous_commit=on and fsync=on as by default, max_connections=300,
#    shared_buffers=$PG_SHARED_BUFFERS);
# 3. for each node count in NODE_COUNTS (1 2 3): a fresh database, that many `switchboard serve --role all`
#    nodes on it (admin from SWITCHBOARD_ADMIN_EMAIL/PASSWORD), one api inbox, then one wrk process per
#    node (Benchmarks/ingest.lua, distinct external_id prefixes, CONNECTIONS split over the nodes) for
#    DURATION seconds: messages/s in total and per node, acknowledgement latency p50/p90/p99 (merged
#    over the wrk processes);
#    then delivery latency: an agent realtime socket on node 1 while inbound messages are posted to node 2
#    (node 1 itself when there is only one node: the same-node baseline) at LAT_RATE/s for LAT_SECONDS s,
#    from the moment each POST is sent to the frame's arrival (Benchmarks/scale_tool.py latency);
#    then the nodes are stopped (SIGTERM) and psql checks that every acknowledged message id is stored,
#    once, and that the stored count equals the acknowledged count (plus at most one in-flight request
#    per wrk connection, committed while wrk stopped without reading its answer);
# 4. prints a markdown results block and writes it to Benchmarks/results/scale-<date>.md.
#
# Env: DURATION (20 s)  CONNECTIONS (64, in total, split over the nodes)  NODE_COUNTS ("1 2 3")
#      LAT_RATE (200 messages/s)  LAT_SECONDS (10)  PG_PORT (a free one)  PG_SHARED_BUFFERS (512MB)
#      SKIP_BUILD=1   reuse .build-release/release/switchboard as it is
#      BIN=PATH       run this server binary instead (no build)
#      NO_RECORD=1    do not write Benchmarks/results/ (trial runs)
#      KEEP_DATA=1    keep the temp dir (PostgreSQL cluster stopped, node logs, wrk output)
# Exit status: 0 when every run completed and every acknowledged message was stored exactly once, 1
# otherwise. Whether the targets (>= 3,000 messages/s per node, cross-node p99 <= 15 ms) are met is
# reported, not turned into the exit status.
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONDONTWRITEBYTECODE=1

DURATION=${DURATION:-20}
CONNECTIONS=${CONNECTIONS:-64}
NODE_COUNTS=${NODE_COUNTS:-"1 2 3"}
LAT_RATE=${LAT_RATE:-200}
LAT_SECONDS=${LAT_SECONDS:-10}
PG_SHARED_BUFFERS=${PG_SHARED_BUFFERS:-512MB}
RELEASE_BIN=.build-release/release/switchboard
BIN=${BIN:-$RELEASE_BIN}
PG_BIN=/usr/lib/postgresql/15/bin
ADMIN_EMAIL=bench@example.com
ADMIN_PASSWORD=benchpass1
TARGET_PER_NODE=3000
TARGET_CROSS_P99_MS=15

log() { printf '== %s\n' "$*" >&2; }
fail() { printf 'scale.sh: %s\n' "$*" >&2; exit 1; }
case "$DURATION$CONNECTIONS$LAT_RATE$LAT_SECONDS${NODE_COUNTS// /}" in *[!0-9]*) fail "DURATION, CONNECTIONS, NODE_COUNTS, LAT_RATE, LAT_SECONDS must be whole numbers" ;; esac
for n in $NODE_COUNTS; do
  if [ "$n" -lt 1 ] || [ "$n" -gt "$CONNECTIONS" ]; then fail "bad node count $n"; fi
done

# --- tools ---------------------------------------------------------------------------------------
missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v curl >/dev/null || missing+=(curl)
command -v psql >/dev/null || missing+=(postgresql-client-15)
[ -x "$PG_BIN/initdb" ] || missing+=(postgresql-15)
if [ ${#missing[@]} -gt 0 ]; then
  log "apt-get install ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
command -v python3 >/dev/null || fail "python3 is needed"
python3 -c 'import aiohttp' 2>/dev/null || python3 -m pip install -q aiohttp >&2 \
  || python3 -m pip install -q --break-system-packages aiohttp >&2
python3 -c 'import aiohttp' || fail "python package aiohttp is needed"
id postgres >/dev/null 2>&1 || fail "no postgres user (install postgresql-15)"

# --- release build -------------------------------------------------------------------------------
newest_source() { find Sources Package.swift Package.resolved -type f -printf '%T@ %p\n' 2>/dev/null | sort -n | tail -1; }
if [ "$BIN" != "$RELEASE_BIN" ]; then
  [ -x "$BIN" ] || fail "no server binary at $BIN"
  BUILD_KIND="binary $BIN"
elif [ "${SKIP_BUILD:-0}" = 1 ] && [ -x "$BIN" ]; then
  log "reusing $BIN (SKIP_BUILD=1)"
  BUILD_KIND=release
else
  read -r SRC_TIME SRC_FILE <<<"$(newest_source)"
  BIN_TIME=$( [ -x "$BIN" ] && stat -c %Y "$BIN" || echo 0)
  if [ "${BIN_TIME%.*}" -gt "${SRC_TIME%.*}" ]; then
    log "reusing $BIN: built $(date -u -d "@$BIN_TIME" '+%H:%M:%S UTC'), newer than every source (newest: $SRC_FILE)"
  else
    log "swift build -c release --scratch-path .build-release --product switchboard (newest source: $SRC_FILE)"
    timeout 45m swift build -c release --scratch-path .build-release --product switchboard >&2
  fi
  BUILD_KIND=release
fi
[ -x "$BIN" ] || fail "no server binary at $BIN"
BIN_BUILT=$(date -u -d "@$(stat -c %Y "$BIN")" '+%Y-%m-%d %H:%M UTC')

# --- work dir, cleanup ---------------------------------------------------------------------------
WORK=$(mktemp -d /tmp/switchboard-scale.XXXXXX)
PG_DIR=$(mktemp -d /tmp/switchboard-scale-pg.XXXXXX)   # owned by postgres; $WORK is root's only
NODE_PIDS=()
WRK_JOB=""
LAT_JOB=""
as_postgres() { (cd / && runuser -u postgres -- "$@"); }
stop_nodes() {
  local pid
  for pid in "${NODE_PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  for pid in "${NODE_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  NODE_PIDS=()
}
cleanup() {
  [ -z "$WRK_JOB" ] || pkill -TERM -P "$WRK_JOB" 2>/dev/null || true
  [ -z "$LAT_JOB" ] || kill -TERM "$LAT_JOB" 2>/dev/null || true
  stop_nodes
  if [ -f "$PG_DIR/postmaster.pid" ]; then
    as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
  fi
  if [ "${KEEP_DATA:-0}" = 1 ]; then log "kept $WORK and $PG_DIR"; else rm -rf "$WORK" "$PG_DIR"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
cp "$BIN" "$WORK/switchboard"
SERVER_BIN="$WORK/switchboard"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# --- PostgreSQL ----------------------------------------------------------------------------------
PG_PORT=${PG_PORT:-$(free_port)}
chown postgres "$PG_DIR"
chmod 700 "$PG_DIR"
log "PostgreSQL 15 on 127.0.0.1:$PG_PORT (data in $PG_DIR)"
as_postgres "$PG_BIN/initdb" -D "$PG_DIR" --auth=trust --username=postgres -E UTF8 >/dev/null
PG_SETTINGS="max_connections=300 shared_buffers=$PG_SHARED_BUFFERS synchronous_commit=on fsync=on max_wal_size=4GB checkpoint_timeout=30min"
# pg_stat_statements (contrib, part of postgresql-15) tells which statements the nodes run per message.
[ -f "$PG_BIN/../lib/pg_stat_statements.so" ] && PG_SETTINGS="$PG_SETTINGS shared_preload_libraries=pg_stat_statements pg_stat_statements.track_planning=on"
PG_OPTS="-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1"
for setting in $PG_SETTINGS; do PG_OPTS="$PG_OPTS -c $setting"; done
# -l is essential: without a log file pg_ctl keeps its output pipe open and this script would hang.
as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR" -l "$PG_DIR/log" -t 60 -o "$PG_OPTS" -w start >/dev/null \
  || { cat "$PG_DIR/log" >&2; fail "PostgreSQL did not start"; }
PG_URL_BASE="postgres://postgres@127.0.0.1:$PG_PORT"
psql_db() { local db=$1; shift; psql "$PG_URL_BASE/$db" -X -q -A -t -v ON_ERROR_STOP=1 "$@"; }
PG_VERSION=$(psql_db postgres -c 'show server_version')
PM_PID=$(head -1 "$PG_DIR/postmaster.pid")

# --- CPU accounting (clock ticks) ----------------------------------------------------------------
TICKS=$(getconf CLK_TCK)
cpu_ticks() { local t=0 pid; for pid in "$@"; do [ -r "/proc/$pid/stat" ] && t=$((t + $(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0))); done; echo "$t"; }
# shellcheck disable=SC2046  # the postmaster's children, one pid a word
pg_ticks() { cpu_ticks "$PM_PID" $(pgrep -P "$PM_PID" || true); }
busy_ticks() { awk '/^cpu /{print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }
pct() { python3 -c "print(round(100 * $1 / $TICKS / $2))"; }

field() { tr ' ' '\n' <<<"$1" | sed -n "s/^$2=//p"; }

REPORT_ROWS="$WORK/rows.md"
LAT_ROWS="$WORK/lat.md"
NOTES="$WORK/notes.md"
: > "$REPORT_ROWS"; : > "$LAT_ROWS"; : > "$NOTES"
ALL_DURABLE=yes
THROUGHPUT_VERDICTS=()
LATENCY_VERDICTS=()

# --- one configuration: N nodes ------------------------------------------------------------------
run_config() {
  local n=$1 i
  local db="scale_${n}_nodes" dir="$WORK/n$n"
  mkdir -p "$dir"
  psql_db postgres -c "CREATE DATABASE $db"
  local ports=() bases=()
  for i in $(seq "$n"); do
    ports+=("$(free_port)")
    bases+=("http://127.0.0.1:${ports[$((i - 1))]}")
    mkdir -p "$dir/node$i"
    SWITCHBOARD_ADMIN_EMAIL=$ADMIN_EMAIL SWITCHBOARD_ADMIN_PASSWORD=$ADMIN_PASSWORD SWITCHBOARD_ADMIN_NAME=Bench \
      "$SERVER_BIN" serve --database-url "$PG_URL_BASE/$db" --port "${ports[$((i - 1))]}" --data-dir "$dir/node$i" \
      --role all --log-level warning > "$dir/node$i.log" 2>&1 &
    NODE_PIDS+=($!)
  done
  log "$n node(s) on database $db: ${bases[*]}"
  for i in $(seq "$n"); do
    local ok=""
    for _ in $(seq 600); do
      curl -s "${bases[$((i - 1))]}/healthz" 2>/dev/null | grep -q ok && { ok=1; break; }
      kill -0 "${NODE_PIDS[$((i - 1))]}" 2>/dev/null || { cat "$dir/node$i.log" >&2; fail "node $i exited during start-up"; }
      sleep 0.1
    done
    [ -n "$ok" ] || { cat "$dir/node$i.log" >&2; fail "node $i not healthy after 60 s"; }
  done

  json_field() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
  local token inbox inbox_id inbound
  # The admin from the environment is created by a service once the database is ready, which may be
  # after /healthz first answers: retry the login for up to 15 s.
  token=""
  local attempt login first_login=""
  for attempt in $(seq 75); do
    login=$(curl -s "${bases[0]}/api/v1/auth/login" -H 'Content-Type: application/json' \
      -d "{\"email\":\"$ADMIN_EMAIL\",\"password\":\"$ADMIN_PASSWORD\"}" || true)
    [ -n "$first_login" ] || first_login=${login:-"(no answer)"}
    token=$(json_field token <<<"$login" 2>/dev/null || true)
    [ -z "$token" ] || break
    sleep 0.2
  done
  [ -n "$token" ] || fail "login failed on node 1: $login"
  [ "$attempt" = 1 ] || echo "- $n node(s): the admin could log in only at attempt $attempt (the first answered \`$(cut -c1-160 <<<"$first_login")\`)." >> "$NOTES"
  inbox=$(curl -sf "${bases[0]}/api/v1/inboxes" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d '{"name":"Bench","channel":"api"}') || fail "creating the api inbox failed"
  inbox_id=$(json_field id <<<"$inbox")
  inbound=$(json_field inbound_token <<<"$inbox")
  local path="/api/v1/inboxes/$inbox_id/incoming"

  # Statement statistics from here on: the throughput run only.
  local pgss=""
  if psql_db "$db" -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" 2>/dev/null; then
    pgss=1
    psql_db "$db" -c "SELECT pg_stat_statements_reset()" >/dev/null
  fi

  # -- throughput: one wrk per node --
  local node_cpu_before pg_cpu_before busy_before
  node_cpu_before=$(cpu_ticks "${NODE_PIDS[@]}"); pg_cpu_before=$(pg_ticks); busy_before=$(busy_ticks)
  log "wrk: $CONNECTIONS connections over $n node(s), ${DURATION}s"
  (
    TIMEFORMAT='%R %U %S'
    time {
      for i in $(seq "$n"); do
        local conns=$((CONNECTIONS / n + (i <= CONNECTIONS % n ? 1 : 0)))
        ACK_FILE="$dir/acked-$i.txt" LATENCY_FILE="$dir/latency-$i.txt" \
          timeout $((DURATION + 120)) wrk -t 1 -c "$conns" -d "${DURATION}s" --timeout 10s --latency \
          -s Benchmarks/ingest.lua "${bases[$((i - 1))]}" -- "$path" "$inbound" "n${n}node$i" $(((i - 1) * 1000 / n)) \
          > "$dir/wrk-$i.out" 2>&1 &
      done
      wait
    }
  ) 2> "$dir/wrk.time" &
  WRK_JOB=$!
  # Halfway: how many PostgreSQL backends the nodes hold, and where the CPU goes.
  sleep $((DURATION / 2))
  local backends waits
  backends=$(psql_db postgres -c "select count(*) from pg_stat_activity where datname = '$db'" 2>/dev/null || echo "?")
  # What the nodes' backends are doing: 20 samples 50 ms apart (CPU = running, no wait event).
  for _ in $(seq 20); do
    psql_db postgres -c "select replace(state, ' ', '_') || ':' || coalesce(wait_event_type || '/' || wait_event, 'CPU')
                         from pg_stat_activity
                         where datname = '$db' and backend_type = 'client backend' and pid <> pg_backend_pid()" 2>/dev/null || true
    # The statements that wait for a lock, and those of the sessions they wait for.
    psql_db postgres -c "select 'W ' || left(regexp_replace(w.query, '\s+', ' ', 'g'), 90), 'B ' || left(regexp_replace(b.query, '\s+', ' ', 'g'), 90)
                         from pg_stat_activity w, unnest(pg_blocking_pids(w.pid)) bp join pg_stat_activity b on b.pid = bp
                         where w.datname = '$db' and w.wait_event_type = 'Lock'" -F $'\n' >> "$dir/blocked.txt" 2>/dev/null || true
    sleep 0.05
  done | sort | uniq -c | sort -rn | awk '{printf "%s%s %.1f", (NR > 1 ? ", " : ""), $2, $1 / 20}' > "$dir/waits.txt"
  waits=$(head -c 600 "$dir/waits.txt")
  local blocked=""
  if [ -s "$dir/blocked.txt" ]; then
    # shellcheck disable=SC2016  # the backticks are markdown
    blocked=$(sort "$dir/blocked.txt" | uniq -c | sort -rn | head -4 | sed 's/^ *\([0-9]*\) \(.\) \(.*\)/\2 (\1×) `\3`/' | paste -sd ';' | sed 's/;/; /g')
  fi
  top -b -n2 -d1 -w 160 2>/dev/null | awk '/^top - /{k++} k==2' | head -14 > "$dir/top.txt" || true
  local wrk_status=0
  wait "$WRK_JOB" || wrk_status=$?
  WRK_JOB=""
  local node_cpu pg_cpu busy wrk_wall wrk_user wrk_sys
  node_cpu=$(( $(cpu_ticks "${NODE_PIDS[@]}") - node_cpu_before ))
  pg_cpu=$(( $(pg_ticks) - pg_cpu_before ))
  busy=$(( $(busy_ticks) - busy_before ))
  read -r wrk_wall wrk_user wrk_sys < "$dir/wrk.time"
  [ "$wrk_status" = 0 ] || { cat "$dir"/wrk-*.out >&2; fail "wrk failed (status $wrk_status)"; }

  local total_acked=0 total_requests=0 total_non2xx=0 total_other=0 per_node="" rate_sum=0 specs=() min_rate=""
  local secs=$DURATION
  for i in $(seq "$n"); do
    local result
    result=$(grep '^RESULT ' "$dir/wrk-$i.out") || { cat "$dir/wrk-$i.out" >&2; fail "wrk for node $i printed no RESULT line"; }
    local req non other sec acked rate
    req=$(field "$result" requests); non=$(field "$result" non2xx); other=$(field "$result" ok_other); sec=$(field "$result" seconds)
    acked=$((req - non))
    rate=$(python3 -c "print(round($acked / $sec))")
    total_acked=$((total_acked + acked)); total_requests=$((total_requests + req))
    total_non2xx=$((total_non2xx + non)); total_other=$((total_other + other))
    rate_sum=$((rate_sum + rate))
    if [ -z "$min_rate" ] || [ "$rate" -lt "$min_rate" ]; then min_rate=$rate; fi
    per_node="$per_node${per_node:+ / }$rate"
    specs+=("$dir/latency-$i.txt:$req")
    secs=$sec
    echo "node $i: $(grep -E '^ +Latency |^Requests/sec' "$dir/wrk-$i.out" | tr -s ' ' | tr '\n' ';')" >&2
  done
  local merged p50 p90 p99 maxl
  merged=$(python3 Benchmarks/scale_tool.py merge "${specs[@]}")
  p50=$(field "$merged" p50_ms); p90=$(field "$merged" p90_ms); p99=$(field "$merged" p99_ms); maxl=$(field "$merged" max_ms)

  # The statements behind the throughput run: calls per acknowledged message, where the time goes.
  if [ -n "$pgss" ]; then
    local stmts
    stmts=$(psql_db "$db" -v acked="$total_acked" 2>/dev/null <<'SQL' || true
WITH s AS (SELECT calls, total_exec_time, total_plan_time, query FROM pg_stat_statements
           WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
             AND query NOT LIKE '%pg_stat_%' AND query NOT LIKE 'CREATE EXTENSION%')
SELECT round(sum(calls)::numeric / greatest(:acked, 1), 1) || ' statements per message, '
       || round((sum(total_exec_time) / greatest(:acked, 1))::numeric, 2) || ' ms of execution (lock waits included) and '
       || round((sum(total_plan_time) / greatest(:acked, 1))::numeric, 2) || ' ms of planning per message; top: '
       || (SELECT string_agg(x, '; ') FROM (
             SELECT round(100 * total_exec_time / greatest((SELECT sum(total_exec_time) FROM s), 0.001))
                    || '% (' || round(calls::numeric / greatest(:acked, 1), 2) || '/msg, mean '
                    || round((total_exec_time / greatest(calls, 1))::numeric, 3) || ' ms) `'
                    || left(regexp_replace(query, '\s+', ' ', 'g'), 80) || '`' AS x
             FROM s ORDER BY total_exec_time DESC LIMIT 5) t)
FROM s
SQL
)
    [ -z "$stmts" ] || echo "- $n node(s), pg_stat_statements over the throughput run: $stmts." >> "$NOTES"
  fi

  # -- delivery latency: socket on node 1, posts to node 2 (or node 1 when alone) --
  local post_node=1 kind="same node (baseline)"
  [ "$n" -ge 2 ] && { post_node=2; kind="cross-node"; }
  log "delivery latency: agent socket on node 1, ${LAT_RATE}/s posted to node $post_node for ${LAT_SECONDS}s"
  timeout $((LAT_SECONDS + 90)) python3 Benchmarks/scale_tool.py latency --ws "${bases[0]}" --post "${bases[$((post_node - 1))]}" \
    --token="$token" --inbox="$inbox_id" --inbound-token="$inbound" --rate "$LAT_RATE" --seconds "$LAT_SECONDS" \
    > "$dir/latency.out" 2>&1 &
  LAT_JOB=$!
  local lat_status=0
  wait "$LAT_JOB" || lat_status=$?
  LAT_JOB=""
  local lat
  lat=$(grep '^LATENCY ' "$dir/latency.out" || true)
  if [ "$lat_status" != 0 ] || [ -z "$lat" ]; then cat "$dir/latency.out" >&2; lat="LATENCY error=status_$lat_status"; fi
  echo "$lat" >&2

  # -- graceful stop --
  local stops="" pid code
  for pid in "${NODE_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for i in $(seq "$n"); do
    pid=${NODE_PIDS[$((i - 1))]}
    for _ in $(seq 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      kill -KILL "$pid"; wait "$pid" 2>/dev/null || true; code="killed after 30 s"
    else
      code=0; wait "$pid" || code=$?; code="exit $code"
    fi
    stops="$stops${stops:+, }node $i $code"
  done
  NODE_PIDS=()
  for i in $(seq "$n"); do
    if grep -qv 'listening on' "$dir/node$i.log"; then
      log "node $i log (warnings and errors, last 10 lines)"; grep -v 'listening on' "$dir/node$i.log" | tail -10 >&2
      echo "- $n node(s), node $i logged: \`$(grep -v 'listening on' "$dir/node$i.log" | tail -1 | cut -c1-300)\`" >> "$NOTES"
    fi
  done

  # -- durability --
  cat "$dir"/acked-*.txt > "$dir/acked.txt"
  local check stored distinct_acked missing dups unacked durable
  check=$(psql_db "$db" <<SQL
CREATE TEMP TABLE acked(id TEXT);
\copy acked FROM '$dir/acked.txt'
SELECT (SELECT count(*) FROM messages WHERE external_id LIKE 'n${n}node%') || ' ' ||
       (SELECT count(DISTINCT id) FROM acked) || ' ' ||
       (SELECT count(*) FROM acked a WHERE NOT EXISTS (SELECT 1 FROM messages m WHERE m.id = a.id)) || ' ' ||
       (SELECT count(*) FROM (SELECT inbox_id, external_id FROM messages WHERE external_id IS NOT NULL
                              GROUP BY 1, 2 HAVING count(*) > 1) d);
SQL
)
  read -r stored distinct_acked missing dups <<<"$check"
  unacked=$((stored - total_acked))
  durable=no
  if [ "$total_other" = 0 ] && [ "$distinct_acked" = "$total_acked" ] && [ "$missing" = 0 ] && [ "$dups" = 0 ] \
     && [ "$unacked" -ge 0 ] && [ "$unacked" -le "$CONNECTIONS" ]; then durable=yes; fi
  [ "$durable" = yes ] || ALL_DURABLE=no
  local durable_text="$durable: $stored stored = $total_acked acknowledged"
  [ "$unacked" = 0 ] || durable_text="$durable: $stored stored = $total_acked acknowledged + $unacked in flight when wrk stopped"
  durable_text="$durable_text; $missing acknowledged ids missing; $dups duplicate external_ids; other 2xx $total_other"
  [ "$distinct_acked" = "$total_acked" ] || durable_text="$durable_text; acked ids $distinct_acked (expected $total_acked)"

  local total_rate=$rate_sum avg_per_node=$((rate_sum / n))
  local cpu_nodes cpu_pg cpu_wrk cpu_other
  cpu_nodes=$(pct "$node_cpu" "$secs"); cpu_pg=$(pct "$pg_cpu" "$secs")
  cpu_wrk=$(python3 -c "print(round(100 * ($wrk_user + $wrk_sys) / $wrk_wall))")
  cpu_other=$(python3 -c "print(max(0, round(100 * ($busy / $TICKS - $node_cpu / $TICKS - $pg_cpu / $TICKS - $wrk_user - $wrk_sys) / $wrk_wall)))")
  echo "| $n | $CONNECTIONS | **$total_rate** | $per_node | $p50 ms | $p90 ms | $p99 ms | $maxl ms | $total_non2xx | $backends | ${cpu_nodes}% / ${cpu_pg}% / ${cpu_wrk}% / ${cpu_other}% | $durable_text |" >> "$REPORT_ROWS"
  [ "$cpu_other" -lt 20 ] || echo "- $n node(s): other processes used ${cpu_other}% of a core during the run; figures are disturbed." >> "$NOTES"
  if [ "$avg_per_node" -ge "$TARGET_PER_NODE" ]; then
    THROUGHPUT_VERDICTS+=("$n node(s): met, $avg_per_node messages/s per node on average (slowest node $min_rate)")
  else
    THROUGHPUT_VERDICTS+=("$n node(s): **missed**, $avg_per_node messages/s per node on average (slowest node $min_rate; target ≥ $TARGET_PER_NODE, i.e. ≥ $((TARGET_PER_NODE * n)) in total)")
  fi

  local lp50 lp99 lmax sent received errs pp50 pp99 ap50 ap99 late
  lp50=$(field "$lat" p50_ms); lp99=$(field "$lat" p99_ms); lmax=$(field "$lat" max_ms)
  sent=$(field "$lat" sent); received=$(field "$lat" received); errs=$(field "$lat" errors)
  pp50=$(field "$lat" post_p50_ms); pp99=$(field "$lat" post_p99_ms); late=$(field "$lat" late_sends)
  ap50=$(field "$lat" after_answer_p50_ms); ap99=$(field "$lat" after_answer_p99_ms)
  echo "| $n | $kind | node 1 | node $post_node | $LAT_RATE/s × ${LAT_SECONDS}s | ${sent:-?} | ${received:-?} | ${errs:-?} | **${lp50:-?} ms** | **${lp99:-?} ms** | ${lmax:-?} ms | ${pp50:-?} / ${pp99:-?} ms | ${ap50:-?} / ${ap99:-?} ms | ${late:-?} |" >> "$LAT_ROWS"
  if [ "$n" -ge 2 ]; then
    if [ -n "$lp99" ] && [ "$received" = "$sent" ] && python3 -c "import sys; sys.exit(0 if $lp99 <= $TARGET_CROSS_P99_MS else 1)"; then
      LATENCY_VERDICTS+=("$n nodes: met, cross-node p99 $lp99 ms (all $received delivered)")
    else
      LATENCY_VERDICTS+=("$n nodes: **missed**, cross-node p99 ${lp99:-?} ms, ${received:-?} of ${sent:-?} delivered (target p99 ≤ $TARGET_CROSS_P99_MS ms, all delivered)")
    fi
  fi
  [ "${received:-x}" = "${sent:-y}" ] || echo "- $n node(s): the agent socket got ${received:-?} of ${sent:-?} latency messages ($lat)." >> "$NOTES"
  echo "- $n node(s): shutdown on SIGTERM: $stops; PostgreSQL backends on the database at mid-run: $backends." >> "$NOTES"
  echo "- $n node(s): the nodes' backends at mid-run, average count by state:wait event (CPU = none): $waits." >> "$NOTES"
  [ -z "$blocked" ] || echo "- $n node(s): lock waits at mid-run, W = waiting statement, B = the statement of the session it waits for (samples): $blocked." >> "$NOTES"
  if [ -s "$dir/top.txt" ]; then { echo; echo "top, halfway through the $n-node run:"; cat "$dir/top.txt"; } >&2; fi
  psql_db postgres -c "DROP DATABASE $db WITH (FORCE)" || true
}

for n in $NODE_COUNTS; do run_config "$n"; done

# --- report --------------------------------------------------------------------------------------
COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD -- Sources Package.swift 2>/dev/null || COMMIT="$COMMIT + uncommitted changes in Sources"
CPU_MODEL=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)
MEM_GIB=$(awk '/MemTotal/{printf "%.0f", $2 / 1048576}' /proc/meminfo)
WHEN=$(date -u '+%Y-%m-%d %H:%M UTC')
REPORT="$WORK/report.md"
{
  echo "## Scale-out on PostgreSQL — $WHEN"
  echo "- Machine: $(nproc) cores ($CPU_MODEL), $MEM_GIB GiB RAM, Linux $(uname -r). PostgreSQL, every node, wrk and the"
  echo "  latency client share these $(nproc) cores."
  echo "- Build: $BUILD_KIND (binary built $BIN_BUILT), commit $COMMIT."
  echo "- PostgreSQL $PG_VERSION, its own throwaway cluster on 127.0.0.1 (data on the local disk): $PG_SETTINGS."
  echo "- Nodes: \`switchboard serve --role all --database-url postgres://...\`, a fresh database per row."
  echo "- Throughput: one wrk per node (\`Benchmarks/ingest.lua\`, 1 thread), $CONNECTIONS connections in total split over"
  echo "  the nodes, ${DURATION}s; every request a new inbound message (unique external_id, 1,000 contacts shared by"
  echo "  all nodes, each wrk starting at another point of the contact sequence; the first message of each contact"
  echo "  creates the contact and its conversation, later ones join that conversation)."
  echo "  Latency = request sent to answer read, merged over the wrk processes."
  echo
  echo "| nodes | connections | messages/s total | per node | p50 | p90 | p99 | max | non-2xx | PG backends | CPU nodes / PostgreSQL / wrk / other | durability (psql after SIGTERM) |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
  cat "$REPORT_ROWS"
  echo
  echo "Delivery latency: an agent realtime socket on node 1; inbound messages POSTed at a fixed rate (open loop, up to"
  echo "64 connections, spread over 100 customers whose conversations a warm-up opened) to node 2 (cross-node) or to"
  echo "node 1 (1 node: the same-node baseline); from the moment each POST"
  echo "request is written to the arrival of its \`message.created\` frame (\`Benchmarks/scale_tool.py latency\`),"
  echo "measured after the throughput run. *POST answer* is the ingest latency inside that; *frame after answer* is"
  echo "frame arrival minus answer arrival (the delivery path after the commit; negative when the frame came first)."
  echo
  echo "| nodes | path | socket on | posts to | rate | sent | received | POST errors | send→frame p50 | send→frame p99 | max | POST answer p50 / p99 | frame after answer p50 / p99 | late sends |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  cat "$LAT_ROWS"
  echo
  echo "Targets:"
  for v in "${THROUGHPUT_VERDICTS[@]}"; do echo "- Throughput ≥ $TARGET_PER_NODE messages/s per node — $v."; done
  for v in "${LATENCY_VERDICTS[@]}"; do echo "- Cross-node delivery p99 ≤ $TARGET_CROSS_P99_MS ms — $v."; done
  [ ${#LATENCY_VERDICTS[@]} -gt 0 ] || echo "- Cross-node delivery: not measured (no node count ≥ 2 in NODE_COUNTS)."
  echo
  echo "Notes:"
  cat "$NOTES"
} > "$REPORT"
echo
cat "$REPORT"
if [ "${NO_RECORD:-0}" != 1 ]; then
  mkdir -p Benchmarks/results
  OUT="Benchmarks/results/scale-$(date -u +%Y-%m-%d-%H%M).md"
  cp "$REPORT" "$OUT"
  log "written to $OUT"
fi
[ "$ALL_DURABLE" = yes ] || fail "durability check failed (see the report)"
