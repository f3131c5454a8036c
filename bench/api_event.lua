-- wrk script: POST /events with a new event id on every request (so each one is applied, not a duplicate).
-- Leads are split between wrk's threads (a lead's events come from one source, as from one tracking script), and
-- each thread's events carry increasing times a millisecond apart from BENCH_START (epoch seconds; bench/api.py gives
-- each wrk run its own later window): a stream in time order, so the server scores each event incrementally (an
-- event older than the lead's latest would replay its history).
local threads = 0
local leads = tonumber(os.getenv("BENCH_LEADS") or "1000")
local nthreads = tonumber(os.getenv("BENCH_THREADS") or "2")
local key = os.getenv("BENCH_KEY") or ""

-- runs in wrk's main state; `tid` becomes a global of each thread's own state
function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end

local counter = 0
local start = 0

function init(args)
  counter = 0
  start = tonumber(os.getenv("BENCH_START") or "0")
  if start == 0 then start = os.time() - 3600 end
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  if key ~= "" then wrk.headers["Authorization"] = "Bearer " .. key end
end

function request()
  counter = counter + 1
  local per_thread = math.floor(leads / nthreads)
  local lead = ((counter * 7919) % per_thread) * nthreads + tid
  local ms = counter % 1000
  local sec = start + math.floor(counter / 1000)
  local at = os.date("!%Y-%m-%dT%H:%M:%S", sec) .. string.format(".%03dZ", ms)
  local body = string.format(
    '{"id":"w%d-%d-%d","email":"lead%d@bench%d.io","type":"page_view","at":"%s","properties":{"url":"/pricing"}}',
    tid, start, counter, lead, lead, at)
  return wrk.format(nil, "/events", nil, body)
end
