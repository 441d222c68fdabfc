-- Every article in turn, as readers would ask for them: the first request for each is a miss
-- wherever it is cached, the later ones hits.
--   wrk -s bench/wrk/articles.lua http://127.0.0.1:8000 -- SLUGS_FILE
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
  n = (tid or 0) * math.floor(#slugs / 2)
end

function request()
  n = n + 1
  return wrk.format("GET", "/story/" .. slugs[(n % #slugs) + 1] .. "/")
end
