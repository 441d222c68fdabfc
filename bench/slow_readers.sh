#!/usr/bin/env bash
# Does a slow reader hold a server thread? One worker per candidate; two clients download a
# 20 MB file from /media/ at 20 KB/s (a phone on a poor connection fetching pictures), then
# a cached article page and an uncached one are requested. A server whose worker is held
# by the downloads answers them only after the 10-second timeout (HTTP code 000).
#
#   bash bench/slow_readers.sh [VAR_DIR]      (loads 1,000 stories when VAR_DIR is absent)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
trap cleanup_all EXIT INT TERM

PORT="${BENCH_PORT:-8350}"
WORK="$(mktemp -d /tmp/dateline-slow.XXXXXX)"
VAR="${1:-}"
if [ -z "$VAR" ]; then
  VAR="$WORK/var"
  DATELINE_VAR_DIR="$VAR" "$VENV/bin/python" "$BENCH_DIR/load_stories.py" 1000 >&2
fi
mkdir -p "$VAR/media"
BIG="bench-slow-client.jpg"  # any bytes: the media view only checks the extension
head -c 20000000 /dev/urandom >"$VAR/media/$BIG"
SLUG="$(head -1 "$VAR/bench-slugs.txt")"

for args in "--server granian --threads 1" "--server granian --threads 2" \
  "--server granian --threads 4" "--server gunicorn --threads 1" "--server gunicorn --threads 4"; do
  # shellcheck disable=SC2086
  start_dateline "$VAR" "$PORT" "$WORK/serve.log" --workers 1 $args
  curl -s -o /dev/null "http://127.0.0.1:$PORT/story/$SLUG/"
  pids=()
  for _ in 1 2; do
    curl -s -o /dev/null --limit-rate 20k --max-time 20 "http://127.0.0.1:$PORT/media/$BIG" &
    pids+=($!)
  done
  sleep 2
  hit="$(curl -s -o /dev/null -m 10 -w '%{http_code} in %{time_total}s' "http://127.0.0.1:$PORT/story/$SLUG/" || true)"
  miss="$(curl -s -o /dev/null -m 10 -w '%{http_code} in %{time_total}s' "http://127.0.0.1:$PORT/story/$SLUG/?slow=1" || true)"
  printf '%-34s cached page: %-18s uncached page: %s\n' "${args#--server } (1 worker)" "$hit" "$miss"
  kill "${pids[@]}" 2>/dev/null || true
  wait "${pids[@]}" 2>/dev/null || true
  stop_bg "$SERVER_PID"
done
rm -f "$VAR/media/$BIG"
