-- A different article each request, never answered from the page cache.
--   wrk -s bench/wrk/uncached.lua http://127.0.0.1:8000 -- SLUGS_FILE [query|cookie]
-- query  (default): /story/<slug>/?bench=<thread>-<n>. The page cache keys on path + query,
--         so every request is a miss that runs the whole path a first reader pays: the
--         wrapper's lookup, Django, the render, then hashing and storing the new entry.
-- cookie: /story/<slug>/ with "Cookie: sessionid=bench"; the wrapper treats the request as
--         private and goes straight to Django (no lookup, no store). Slightly less work
--         than a real miss; kept as a cross-check.
-- Slugs are cycled in file order; each wrk thread starts at a different offset.
local thread_count = 0

function setup(thread)
  thread:set("tid", thread_count)
  thread_count = thread_count + 1
end

function init(args)
  slugs = {}
  for line in io.lines(args[1]) do
    if #line > 0 then slugs[#slugs + 1] = line end
  end
  mode = args[2] or "query"
  n = (tid or 0) * math.floor(#slugs / 2)
  if mode == "cookie" then
    wrk.headers["Cookie"] = "sessionid=bench"
  end
end

function request()
  n = n + 1
  local path = "/story/" .. slugs[(n % #slugs) + 1] .. "/"
  if mode ~= "cookie" then
    path = path .. "?bench=" .. (tid or 0) .. "-" .. n
  end
  return wrk.format("GET", path)
end
