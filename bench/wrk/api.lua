-- The API under wrk.
--   wrk -s bench/wrk/api.lua http://127.0.0.1:8000 -- MODE [SLUGS_FILE|CURSOR]
-- MODE list-uncached: /api/v1/stories?bench=<thread>-<n>, a page-cache miss every request
--       (the key is path + query; the API ignores the unknown parameter).
-- MODE list-deep: the same with cursor=CURSOR: a page near the oldest story (keyset, so it
--       costs what the first page does).
-- MODE detail-uncached: /api/v1/stories/slug/<slug>?bench=<thread>-<n>, slugs cycled.
local thread_count = 0

function setup(thread)
  thread:set("tid", thread_count)
  thread_count = thread_count + 1
end

function init(args)
  mode = args[1]
  slugs = {}
  if mode == "detail-uncached" then
    for line in io.lines(args[2]) do
      if #line > 0 then slugs[#slugs + 1] = line end
    end
  end
  cursor = args[2]
  n = (tid or 0) * 100000
end

function request()
  n = n + 1
  local tag = "bench=" .. (tid or 0) .. "-" .. n
  if mode == "detail-uncached" then
    return wrk.format("GET", "/api/v1/stories/slug/" .. slugs[(n % #slugs) + 1] .. "?" .. tag)
  elseif mode == "list-deep" then
    return wrk.format("GET", "/api/v1/stories?cursor=" .. cursor .. "&" .. tag)
  end
  return wrk.format("GET", "/api/v1/stories?" .. tag)
end
