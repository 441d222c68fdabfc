-- wrk script for mostread.sh: Most read beacons (POST /b) for the story ids in
-- BEACON_IDS (comma-separated), each from a new reader address behind the trusted proxy.
local ids = {}
for id in string.gmatch(os.getenv("BEACON_IDS") or "1", "[^,]+") do ids[#ids + 1] = id end
local n = 0
request = function()
  n = n + 1
  local id = ids[(n % #ids) + 1]
  local f = math.floor
  local address = string.format("10.%d.%d.%d", f(n / 65536) % 256, f(n / 256) % 256, n % 256)
  return wrk.format("POST", "/b", {
    ["Content-Type"] = "text/plain;charset=UTF-8",
    ["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
    ["X-Forwarded-For"] = address,
  }, id)
end
