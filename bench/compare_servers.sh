#!/usr/bin/env bash
# Choose the server for `dateline serve` by measurement: each candidate serves the same
# 1,000-story site; uncached (a new article URL each request) and cached (one warm URL) are
# measured for each, candidates taken in turns for BENCH_ROUNDS rounds.
#
#   bash bench/compare_servers.sh [VAR_DIR]      (loads 1,000 stories when VAR_DIR is absent)
#
# A candidate is "label|serve args|extra env"; the default set is below. Results go to
# bench/results/servers-<date>.md and are printed.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
trap cleanup_all EXIT INT TERM

PORT="${BENCH_PORT:-8310}"
ROUNDS="${BENCH_ROUNDS:-2}"
VAR="${1:-}"
WORK="$(mktemp -d /tmp/dateline-servers.XXXXXX)"
if [ -z "$VAR" ]; then
  VAR="$WORK/var"
  DATELINE_VAR_DIR="$VAR" "$VENV/bin/python" "$BENCH_DIR/load_stories.py" 1000
fi
SLUGS="$VAR/bench-slugs.txt"
CACHED_SLUG="$(sed -n "$(( ($(wc -l <"$SLUGS") + 1) / 2 ))p" "$SLUGS")"

if [ -n "${BENCH_CANDIDATES:-}" ]; then
  IFS=';' read -r -a CANDIDATES <<<"$BENCH_CANDIDATES"
else
  CANDIDATES=(
    "gunicorn sync, 2 workers|--server gunicorn --threads 1|"
    "gunicorn gthread, 2 workers x 4 threads|--server gunicorn --threads 4|"
    "granian wsgi, 2 workers x 1 blocking thread|--server granian --threads 1|"
    "granian wsgi, 2 workers x 4 blocking threads|--server granian --threads 4|"
    "granian wsgi, 2 workers x 256 blocking threads (its default)|--server granian --threads 256|"
  )
fi

declare -A RESULTS
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
for ((round = 1; round <= ROUNDS; round++)); do
  for i in "${!CANDIDATES[@]}"; do
    IFS='|' read -r label args extra <<<"${CANDIDATES[$i]}"
    echo "round $round: $label" >&2
    # shellcheck disable=SC2086
    SERVER_ENV="$extra" start_dateline "$VAR" "$PORT" "$WORK/server-$i.log" --workers 2 $args
    wrk_cpu "$WORK/u-$i-$round.txt" "$SERVER_PID" "http://127.0.0.1:$PORT" \
      -s "$BENCH_DIR/wrk/uncached.lua" -- "$SLUGS" query
    curl -s -o /dev/null "http://127.0.0.1:$PORT/story/$CACHED_SLUG/"
    wrk_cpu "$WORK/c-$i-$round.txt" "$SERVER_PID" "http://127.0.0.1:$PORT/story/$CACHED_SLUG/"
    stop_bg "$SERVER_PID"
    RESULTS["u,$i,$round"]="$(wrk_summary "$WORK/u-$i-$round.txt")"
    RESULTS["c,$i,$round"]="$(wrk_summary "$WORK/c-$i-$round.txt")"
    echo "  uncached ${RESULTS["u,$i,$round"]}; cached ${RESULTS["c,$i,$round"]}" >&2
  done
done

mkdir -p "$BENCH_DIR/results"
OUT="$BENCH_DIR/results/servers-$(date +%Y-%m-%d-%H%M).md"
{
  echo "# Server candidates, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, 1,000 stories"
  echo
  echo "wrk -t$WRK_THREADS -c$WRK_CONN -d$DURATION (after a $WARMUP warm-up); $ROUNDS round(s) in turns."
  echo "Each cell, per round: req/s (p50 / p99; server CPU µs per request, all its processes)."
  echo "Load average before: $LOAD_BEFORE; after: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "| server | uncached article (new URL each request) | cached article (one URL) | errors |"
  echo "|---|---|---|---:|"
  for i in "${!CANDIDATES[@]}"; do
    IFS='|' read -r label args extra <<<"${CANDIDATES[$i]}"
    u="" c="" errs=0
    for ((round = 1; round <= ROUNDS; round++)); do
      read -r rps p50 p99 bad cpu <<<"${RESULTS["u,$i,$round"]}"
      u+="${u:+; }$rps ($p50 / $p99; $cpu µs)"
      errs=$((errs + bad))
      read -r rps p50 p99 bad cpu <<<"${RESULTS["c,$i,$round"]}"
      c+="${c:+; }$rps ($p50 / $p99; $cpu µs)"
      errs=$((errs + bad))
    done
    echo "| $label${extra:+ ($extra)} | $u | $c | $errs |"
  done
} >"$OUT"
cat "$OUT"
echo "(written to $OUT; raw wrk output in $WORK)" >&2
