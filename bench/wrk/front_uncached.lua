-- The front page with a unique query string each request: /?bench=<thread>-<n>. The page
-- cache keys on path + query, so every request renders the front page afresh.
local thread_count = 0

function setup(thread)
  thread:set("tid", thread_count)
  thread_count = thread_count + 1
end

function init(args)
  n = 0
end

function request()
  n = n + 1
  return wrk.format("GET", "/?bench=" .. (tid or 0) .. "-" .. n)
end
