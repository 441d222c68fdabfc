-- The same page with a different query string each request, never a page-cache hit:
--   wrk -s bench/wrk/unique.lua http://127.0.0.1:8000/section/news/
-- The page cache keys on path + query, so each request is a miss; the views ignore the
-- `bench` parameter. Each wrk thread numbers its requests apart from the others.
local thread_count = 0

function setup(thread)
  thread:set("tid", thread_count)
  thread_count = thread_count + 1
end

function init(args)
  n = 0
  sep = string.find(wrk.path, "?", 1, true) and "&" or "?"
end

function request()
  n = n + 1
  return wrk.format("GET", wrk.path .. sep .. "bench=" .. (tid or 0) .. "-" .. n)
end
