#!/usr/bin/env bash
# The API under wrk (issue 12): for each size (default 1,000 and 100,000 stories) load a
# fresh database, start `dateline serve --workers 2`, and measure with wrk -t2 -c32:
#   list cached       /api/v1/stories, warm (a page-cache hit)
#   list uncached     /api/v1/stories?bench=…, a miss every request
#   list deep         a cursor page near the oldest story, a miss every request (keyset:
#                     no OFFSET, no COUNT, so it costs what the first page does)
#   detail cached     /api/v1/stories/slug/<one slug>, warm
#   detail uncached   /api/v1/stories/slug/<a different slug>?bench=…, a miss every request
# Prints a table (req/s, p50, p99, server CPU µs per request, errors).
#
#   bash bench/api.sh [N…]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
trap cleanup_all EXIT INT TERM

if [ "$#" -gt 0 ]; then SIZES=("$@"); else SIZES=(1000 100000); fi
PORT="${BENCH_PORT:-8330}"
WORK="$(mktemp -d /tmp/dateline-bench-api.XXXXXX)"
SCRIPT="$BENCH_DIR/wrk/api.lua"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
printf '| stories | case | req/s | p50 | p99 | server CPU µs/req | errors |\n|---|---|---|---|---|---|---|\n' >"$WORK/rows.md"

for n in "${SIZES[@]}"; do
  var="$WORK/var-$n"
  mkdir -p "$var"
  DATELINE_VAR_DIR="$var" \
    "$VENV/bin/python" "$BENCH_DIR/load_stories.py" "$n" >&2
  start_dateline "$var" "$PORT" "$WORK/serve-$n.log" --workers 2
  base="http://127.0.0.1:$PORT"
  slug="$(head -1 "$var/bench-slugs.txt")"
  # A cursor 40 stories before the oldest: the last pages of the archive.
  cursor="$(DATELINE_VAR_DIR="$var" "$VENV/bin/python" - <<'PY'
import django
django.setup()
from dateline.api.cursor import encode
from dateline.news.models import Article
row = Article.objects.published().order_by("published_at", "pk")[40]
print(encode(row.published_at, row.pk))
PY
)"
  for case in list-cached list-uncached list-deep detail-cached detail-uncached; do
    out="$WORK/$n-$case.txt"
    case "$case" in
      list-cached) wrk_cpu "$out" "$SERVER_PID" "$base/api/v1/stories" ;;
      list-uncached) wrk_cpu "$out" "$SERVER_PID" -s "$SCRIPT" "$base" -- list-uncached ;;
      list-deep) wrk_cpu "$out" "$SERVER_PID" -s "$SCRIPT" "$base" -- list-deep "$cursor" ;;
      detail-cached) wrk_cpu "$out" "$SERVER_PID" "$base/api/v1/stories/slug/$slug" ;;
      detail-uncached)
        wrk_cpu "$out" "$SERVER_PID" -s "$SCRIPT" "$base" -- detail-uncached "$var/bench-slugs.txt" ;;
    esac
    read -r rps p50 p99 bad cpu <<<"$(wrk_summary "$out")"
    printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$n" "$case" "$rps" "$p50" "$p99" "$cpu" "$bad" \
      | tee -a "$WORK/rows.md" >&2
  done
  stop_bg "$SERVER_PID"
  [ "${BENCH_KEEP:-0}" = 1 ] || rm -rf "$var"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
cat "$WORK/rows.md"
