-- wrk script for benchmarks/endpoint.py: POST the saved queries in turn, each thread from its own offset.
--
--   wrk -s benchmarks/endpoint.lua URL -- QUERIES_FILE MODE
--
-- QUERIES_FILE holds one form-encoded body per line (query=...); MODE is "repeated" (the same texts again and
-- again, so a server may answer from a cache) or "unique" (a distinct SPARQL comment ends every request, so no
-- two requests are the same text and no cache can answer them). done() prints one line, RESULT followed by
-- JSON, that endpoint.py reads: requests, answers other than 2xx/3xx, socket errors, seconds and latencies.

local bodies = {}
local mode = "repeated"
local counter = 0
local threads = {}
local headers = {
  ["Content-Type"] = "application/x-www-form-urlencoded",
  ["Accept"] = "application/sparql-results+json, text/turtle;q=0.9",
}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then
      table.insert(bodies, line)
    end
  end
  mode = args[2] or "repeated"
  counter = (id or 1) * 7919 -- threads start at different queries
end

function request()
  counter = counter + 1
  local body = bodies[(counter % #bodies) + 1]
  if mode == "unique" then
    -- "\n# r<thread>-<n>": a comment, so the query means the same and its text is new
    body = body .. "%0A%23+r" .. id .. "-" .. counter
  end
  return wrk.format("POST", nil, headers, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %d, "seconds": %.6f, "status_errors": %d, "socket_errors": %d, "timeouts": %d, '
      .. '"p50_ms": %.3f, "p90_ms": %.3f, "p99_ms": %.3f, "max_ms": %.3f}\n',
    summary.requests, summary.duration / 1e6, e.status, e.connect + e.read + e.write, e.timeout,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000))
end
