-- wrk script for Benchmarks/ingest.sh.
--
-- Every request is a new customer message: POST {path} with the inbox token, a unique external_id
-- ("bench-<thread>-<counter>") and one of 1,000 contacts. Each thread counts its answers by class
-- and keeps the message_id of every 201, so the caller can check afterwards that every acknowledged
-- message is in the database. `done` prints one machine-readable RESULT line and, when the
-- ACK_FILE environment variable is set, writes the acknowledged message ids there, one per line.
--
-- Usage: wrk ... -s ingest.lua http://127.0.0.1:PORT -- /api/v1/inboxes/ID/incoming INBOUND_TOKEN [PREFIX [OFFSET [CONTACTS]]]
--
-- PREFIX (default "bench") starts every external_id, so several wrk processes against one database
-- (Benchmarks/scale.sh: one per node) never send the same one; OFFSET (default 0) shifts the contact
-- sequence, so that those processes do not write for the same contact at the same moment. CONTACTS
-- (default 1,000) is how many customers the messages cycle through; a count above the number of
-- requests makes every message a new customer and so a new conversation (Benchmarks/list.sh). When the LATENCY_FILE environment
-- variable is set, `done` also writes the latency distribution there: 1,000 lines "percentile
-- microseconds" (0.05 ... 99.95) and a last line "100 max", so distributions of several wrk processes
-- can be merged.

local threads = {}
local counter = 0

-- Globals that the main script reads back from each thread with thread:get().
thread_id = 0
created = 0      -- 201: a new message was stored
ok_other = 0     -- any other 2xx (200 would mean "duplicate delivery", which must not happen here)
non2xx = 0       -- everything else
acked = {}       -- message ids answered with 201

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_id", #threads)
end

function init(args)
  path = args[1]
  prefix = args[3] or "bench"
  offset = tonumber(args[4] or "0")
  contacts = tonumber(args[5] or "1000")
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["X-Inbox-Token"] = args[2]
end

function request()
  counter = counter + 1
  local contact = (counter + offset) % contacts
  local body = string.format(
    '{"external_id":"%s-%d-%d","contact":{"external_id":"customer-%d","name":"Customer %d"},' ..
    '"content":"Hello, I need help with order %d"}',
    prefix, thread_id, counter, contact, contact, counter)
  return wrk.format(nil, path, nil, body)
end

function response(status, headers, body)
  if status == 201 then
    created = created + 1
    local id = string.match(body, '"message_id"%s*:%s*"([^"]+)"')
    if id then acked[#acked + 1] = id end
  elseif status >= 200 and status < 300 then
    ok_other = ok_other + 1
  else
    non2xx = non2xx + 1
  end
end

function done(summary, latency, requests)
  local total_created, total_other, total_non2xx, ids = 0, 0, 0, 0
  local ack_file = os.getenv("ACK_FILE")
  local out = ack_file and assert(io.open(ack_file, "w"))
  for _, thread in ipairs(threads) do
    total_created = total_created + thread:get("created")
    total_other = total_other + thread:get("ok_other")
    total_non2xx = total_non2xx + thread:get("non2xx")
    if out then
      for _, id in ipairs(thread:get("acked")) do
        out:write(id, "\n")
        ids = ids + 1
      end
    end
  end
  if out then out:close() end
  local latency_file = os.getenv("LATENCY_FILE")
  if latency_file then
    local lat = assert(io.open(latency_file, "w"))
    for i = 1, 1000 do
      local p = (i - 0.5) / 10
      lat:write(string.format("%.2f %d\n", p, latency:percentile(p)))
    end
    lat:write(string.format("100 %d\n", latency.max))
    lat:close()
  end
  local errors = summary.errors
  local ms = function(us) return us / 1000.0 end
  io.write(string.format(
    "RESULT requests=%d created=%d ok_other=%d non2xx=%d socket_errors=%d timeouts=%d ack_ids=%d seconds=%.3f " ..
    "p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f p999_ms=%.2f max_ms=%.2f mean_ms=%.2f\n",
    summary.requests, total_created, total_other, total_non2xx,
    errors.connect + errors.read + errors.write, errors.timeout, ids, summary.duration / 1e6,
    ms(latency:percentile(50)), ms(latency:percentile(90)), ms(latency:percentile(99)),
    ms(latency:percentile(99.9)), ms(latency.max), ms(latency.mean)))
end
