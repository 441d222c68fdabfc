#!/usr/bin/env bash
# The request log's cost (dateline/ops/access_log.py): one cached article page through
# `dateline serve --workers 1`, wrk -t2 -c32 for 8 s, with DATELINE_ACCESS_LOG on and off
# in turns, twice. Usage: bash bench/access_log.sh VAR_DIR STORY_PATH (a site with content,
# e.g. `dateline demo` in VAR_DIR). The log goes to /dev/null.
set -euo pipefail
var=$1 story=$2
bin=$(cd "$(dirname "$0")/.." && pwd)/.venv/bin
for round in 1 2; do
  for log in 1 0; do
    port=$("$bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    env -u DATABASE_URL DATELINE_VAR_DIR="$var" DATELINE_ALLOWED_HOSTS=127.0.0.1 \
      DATELINE_ACCESS_LOG=$log setsid "$bin/dateline" serve --port "$port" --workers 1 \
      >/dev/null 2>&1 &
    pid=$!
    for _ in $(seq 150); do curl -sf -o /dev/null "http://127.0.0.1:$port$story" && break; sleep 0.2; done
    rps=$(wrk -t2 -c32 -d8s "http://127.0.0.1:$port$story" | awk '/Requests\/sec/ {print $2}')
    echo "round $round, access log $([ "$log" = 1 ] && echo on || echo off): $rps req/s"
    kill -- -"$pid"
    wait "$pid" 2>/dev/null || true
  done
done
