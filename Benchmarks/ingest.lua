-- wrk script for Benchmarks/ingest.sh: every request is a new customer message with a unique
-- external_id, spread over 1,000 contacts; non-2xx answers are counted per thread.
local counter = 0
thread_id = 0
failures = 0
local threads = {}

function setup(thread)
  thread:set("thread_id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  path = args[1]
  token = args[2]
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["X-Inbox-Token"] = token
end

function request()
  counter = counter + 1
  local contact = counter % 1000
  local body = string.format(
    '{"external_id":"bench-%d-%d","contact":{"external_id":"customer-%d","name":"Customer %d"},"content":"Hello, I need help with order %d"}',
    thread_id, counter, contact, contact, counter)
  return wrk.format(nil, path, nil, body)
end

function response(status, headers, body)
  if status ~= 201 then failures = failures + 1 end
end

function done(summary, latency, requests)
  local failed = 0
  for _, thread in ipairs(threads) do failed = failed + thread:get("failures") end
  local lat = function(p) return latency:percentile(p) / 1000.0 end
  io.write(string.format("RESULT requests=%d non201=%d errors=%d seconds=%.2f p50_ms=%.2f p99_ms=%.2f p999_ms=%.2f max_ms=%.2f\n",
    summary.requests, failed, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.duration / 1e6, lat(50), lat(99), lat(99.9), latency.max / 1000.0))
end
