-- wrk script: POST /events with a new event id on every request (so each one is applied, not a duplicate),
-- spread over the leads the benchmark loaded (lead0@bench0.io … lead{N-1}@bench{N-1}.io).
local counter = 0
local threads = 0
local leads = tonumber(os.getenv("BENCH_LEADS") or "1000")
local key = os.getenv("BENCH_KEY") or ""

-- runs in wrk's main state; `tid` becomes a global of each thread's own state
function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end

function init(args)
  counter = 0
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  if key ~= "" then wrk.headers["Authorization"] = "Bearer " .. key end
end

function request()
  counter = counter + 1
  local lead = (counter * 7919 + tid) % leads
  local body = string.format(
    '{"id":"w%d-%d-%d","email":"lead%d@bench%d.io","type":"page_view","at":"2026-11-01T10:00:00Z","properties":{"url":"/pricing"}}',
    tid, counter, os.time(), lead, lead)
  return wrk.format(nil, "/events", nil, body)
end
