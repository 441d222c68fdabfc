#!/usr/bin/env bash
# The benchmark of PRODUCT.md "Figures we aim for": for each size (default 1,000 and
# 100,000 stories) load a fresh database, start `dateline serve --workers 2`, and measure
# with wrk -t2 -c32 -d15s (after a warm-up):
#   uncached  a different article URL each request (unique query string: every request is
#             a page-cache miss; see bench/README.md)
#   private   the same with "Cookie: sessionid=bench" (bypasses the page-cache wrapper)
#   cached    one article URL, warm
#   nginx     nginx (2 workers) serving the same HTML bytes as a static file
# Cases are taken in turns, BENCH_ROUNDS times (default 1). The table goes to
# bench/results/<date>.md and is printed; raw wrk output stays in the work directory.
# Lighthouse then runs on the 1,000-story site (BENCH_LIGHTHOUSE=0 to skip).
#
#   bash bench/run.sh [N…]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
trap cleanup_all EXIT INT TERM

if [ "$#" -gt 0 ]; then SIZES=("$@"); else SIZES=(1000 100000); fi
PORT="${BENCH_PORT:-8320}"
NGINX_PORT="${BENCH_NGINX_PORT:-8321}"
ROUNDS="${BENCH_ROUNDS:-1}"
WORK="$(mktemp -d /tmp/dateline-bench.XXXXXX)"
chmod 755 "$WORK"
STAMP="$(date +%Y-%m-%d-%H%M)"
mkdir -p "$BENCH_DIR/results"
OUT="$BENCH_DIR/results/$STAMP.md"
ROWS="$WORK/rows.md"
: >"$ROWS"
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
SERVED_BY=""
declare -A LOADED PAGE_BYTES

row() {  # N case file round
  local n="$1" case="$2" file="$3" round="$4" rps p50 p99 bad cpu
  read -r rps p50 p99 bad cpu <<<"$(wrk_summary "$file")"
  printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' \
    "$n" "$case" "$round" "$rps" "$p50" "$p99" "$cpu" "$bad" >>"$ROWS"
  printf '  %-9s round %s: %10s req/s  p50 %9s  p99 %9s  cpu %6s us/req  errors %s\n' \
    "$case" "$round" "$rps" "$p50" "$p99" "$cpu" "$bad" >&2
}

for N in "${SIZES[@]}"; do
  VAR="$WORK/var-$N"
  echo "== $N stories: loading into $VAR" >&2
  t0=$SECONDS
  DATELINE_VAR_DIR="$VAR" "$VENV/bin/python" "$BENCH_DIR/load_stories.py" "$N" >&2
  LOADED[$N]=$((SECONDS - t0))
  SLUGS="$VAR/bench-slugs.txt"
  SLUG="$(sed -n "$(( ($(wc -l <"$SLUGS") + 1) / 2 ))p" "$SLUGS")"
  URL="http://127.0.0.1:$PORT/story/$SLUG/"

  start_dateline "$VAR" "$PORT" "$WORK/serve-$N.log" --workers 2
  DL_PID=$SERVER_PID
  SERVED_BY="$(grep -m1 'serving' "$WORK/serve-$N.log" || true)"
  # The same bytes for nginx; two requests so the second is a page-cache hit.
  mkdir -p "$WORK/html-$N/story/$SLUG"
  curl -sf -o /dev/null "$URL"
  curl -sf -o "$WORK/html-$N/story/$SLUG/index.html" "$URL"
  chmod -R a+rX "$WORK/html-$N"
  PAGE_BYTES[$N]="$(wc -c <"$WORK/html-$N/story/$SLUG/index.html")"
  start_nginx "$WORK/html-$N" "$NGINX_PORT" "$WORK/nginx-$N" "/story/$SLUG/"
  NG_PID=$NGINX_PID
  NGINX_URL="http://127.0.0.1:$NGINX_PORT/story/$SLUG/"
  cmp -s <(curl -s "$NGINX_URL") "$WORK/html-$N/story/$SLUG/index.html"

  for ((round = 1; round <= ROUNDS; round++)); do
    f="$WORK/$N-uncached-$round.txt"
    wrk_cpu "$f" "$DL_PID" "http://127.0.0.1:$PORT" -s "$BENCH_DIR/wrk/uncached.lua" -- "$SLUGS" query
    row "$N" uncached "$f" "$round"
    f="$WORK/$N-private-$round.txt"
    wrk_cpu "$f" "$DL_PID" "http://127.0.0.1:$PORT" -s "$BENCH_DIR/wrk/uncached.lua" -- "$SLUGS" cookie
    row "$N" private "$f" "$round"
    f="$WORK/$N-cached-$round.txt"
    wrk_cpu "$f" "$DL_PID" "$URL"
    row "$N" cached "$f" "$round"
    f="$WORK/$N-nginx-$round.txt"
    wrk_cpu "$f" "$NG_PID" "$NGINX_URL"
    row "$N" nginx "$f" "$round"
  done
  stop_bg "$DL_PID"
  stop_bg "$NG_PID"
done

{
  echo "# Dateline benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "- machine: $(nproc) cores, $(uname -sr); load average before the run: $LOAD_BEFORE"
  echo "- commit: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet 2>/dev/null || echo ' (working tree has changes)')"
  echo "- server: ${SERVED_BY:-?}"
  echo "- wrk -t$WRK_THREADS -c$WRK_CONN -d$DURATION --latency, after a $WARMUP warm-up; cases in turns, $ROUNDS round(s)"
  for N in "${SIZES[@]}"; do
    echo "- $N stories: loaded in ${LOADED[$N]} s; article page ${PAGE_BYTES[$N]} bytes"
  done
  echo
  echo "| stories | case | round | req/s | p50 | p99 | server CPU µs/req | errors |"
  echo "|---:|---|---:|---:|---:|---:|---:|---:|"
  cat "$ROWS"
  echo
  echo "uncached: /story/<slug>/?bench=<unique>, slugs cycled (every request a page-cache miss);"
  echo "private: same slugs with Cookie: sessionid=bench (page-cache wrapper bypassed);"
  echo "cached: one warm URL; nginx: the same bytes as a static file, 2 worker processes."
  echo "server CPU µs/req: user+system CPU of all the server's processes during the measured run,"
  echo "divided by the requests served (less sensitive to other load on the machine than req/s)."
  echo "Load average after the run: $(cut -d' ' -f1-3 /proc/loadavg)"
} >"$OUT"
cat "$OUT"
echo "(written to $OUT; raw output in $WORK)" >&2

if [ "${BENCH_LIGHTHOUSE:-1}" != 0 ]; then
  bash "$BENCH_DIR/lighthouse.sh" | tee -a "$OUT"
fi
if [ "${BENCH_KEEP:-0}" = 0 ]; then
  rm -rf "$WORK"/var-*
fi
