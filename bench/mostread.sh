#!/usr/bin/env bash
# Most read's beacon beside cached pages: one cached article page through `dateline serve
# --workers 2`, wrk -t2 -c32 for 8 s, alone and while a second wrk (-t1 -c8) sends beacons
# to POST /b for 20 stories, in turns, twice; and the beacons' own rate and latency.
# Usage: bash bench/mostread.sh VAR_DIR (a site with at least 20 stories, e.g. from
# bench/load_stories.py). CACHE_URL in the environment puts the counts in Redis.
set -euo pipefail
var=$1
bin=$(cd "$(dirname "$0")/.." && pwd)/.venv/bin
here=$(cd "$(dirname "$0")" && pwd)
export DATELINE_VAR_DIR="$var" DATELINE_ALLOWED_HOSTS=127.0.0.1 DATELINE_TRUSTED_PROXY=1
export DJANGO_SETTINGS_MODULE=config.settings.production DATELINE_ACCESS_LOG=0
read -r story ids < <(env -u DATABASE_URL "$bin/dateline" shell --no-imports -c '
from dateline.news.models import Article
a = list(Article.objects.published().order_by("-pk")[:20])
print(a[0].get_absolute_url(), ",".join(str(x.pk) for x in a))')
port=$("$bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
env -u DATABASE_URL setsid "$bin/dateline" serve --port "$port" --workers 2 >/dev/null 2>&1 &
pid=$!
trap 'kill -- -"$pid" 2>/dev/null || true' EXIT
for _ in $(seq 150); do curl -sf -o /dev/null "http://127.0.0.1:$port$story" && break; sleep 0.2; done
curl -sf -o /dev/null "http://127.0.0.1:$port$story"
for round in 1 2; do
  alone=$(wrk -t2 -c32 -d8s "http://127.0.0.1:$port$story" | awk '/Requests\/sec/ {print $2}')
  BEACON_IDS=$ids wrk -t1 -c8 -d10s -s "$here/wrk/beacon.lua" "http://127.0.0.1:$port" \
    >"$var/beacons.txt" &
  beacons=$!
  sleep 1
  with=$(wrk -t2 -c32 -d8s "http://127.0.0.1:$port$story" | awk '/Requests\/sec/ {print $2}')
  wait "$beacons"
  brate=$(awk '/Requests\/sec/ {print $2}' "$var/beacons.txt")
  blat=$(awk '/Latency/ {print $2; exit}' "$var/beacons.txt")
  non2xx=$(awk '/Non-2xx/ {print $NF}' "$var/beacons.txt")
  echo "round $round: cached article alone $alone req/s; with beacons $with req/s;" \
    "beacons $brate req/s (mean latency $blat, non-2xx ${non2xx:-0})"
done
