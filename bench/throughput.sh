#!/usr/bin/env bash
# Issue 11's throughput goals, in one run: `dateline serve --workers 2` beside nginx serving
# the very bytes it returned, on the same 1,000-story site, cases in turns.
#
#   bash bench/throughput.sh [VAR_DIR]          (loads 1,000 stories when VAR_DIR is absent)
#   BENCH_BASE=main bash bench/throughput.sh    (also the server of another commit, in turns:
#                                                before/after back to back on one site)
#
# Cases, each `wrk -t2 -c32` after a warm-up, the server's CPU per request beside it:
#   article cached     one article URL, warm (X-Cache: hit)
#   article uncached   a different article each request with a unique query string
#                      (bench/wrk/uncached.lua): the page cache keys on path + query, so
#                      every request is a miss that renders, hashes, gzips and stores
#   front cached       the front page, warm
#   front uncached     /?bench=<n>, a unique query each request (a miss each time)
#   nginx article      nginx (2 workers, sendfile) serving the cached article's bytes, run
#                      just before each server's "article cached"
#   nginx front        the same for the front page's bytes, before "front cached"
# The table gives req/s, p50/p99, CPU µs per request and each cached case's share of the
# nginx run just before it (same bytes, same outside load); medians over BENCH_ROUNDS
# (default 3) rounds.
# Results go to bench/results/throughput-<date>.md (gitignored) and are printed.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
trap cleanup_all EXIT INT TERM

PORT="${BENCH_PORT:-$((20000 + RANDOM % 20000))}"
NGINX_PORT="$((PORT + 1))"
ROUNDS="${BENCH_ROUNDS:-3}"
WORK="$(mktemp -d /tmp/dateline-throughput.XXXXXX)"
chmod 755 "$WORK"
VAR="${1:-}"
if [ -z "$VAR" ]; then
  VAR="$WORK/var"
  DATELINE_VAR_DIR="$VAR" "$VENV/bin/python" "$BENCH_DIR/load_stories.py" 1000 >&2
fi
SLUGS="$VAR/bench-slugs.txt"
SLUG="$(sed -n "$(( ($(wc -l <"$SLUGS") + 1) / 2 ))p" "$SLUGS")"

# Servers: "label|source tree". BENCH_BASE=<rev> adds that commit, exported to a directory
# of its own and run with this virtualenv (its tree comes first on PYTHONPATH).
SERVERS=("this tree ($(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet || echo '+changes'))|$ROOT")
if [ -n "${BENCH_BASE:-}" ]; then
  BASE_DIR="$WORK/base"
  mkdir -p "$BASE_DIR"
  git -C "$ROOT" archive "$BENCH_BASE" | tar -x -C "$BASE_DIR"
  SERVERS=("$BENCH_BASE ($(git -C "$ROOT" rev-parse --short "$BENCH_BASE"))|$BASE_DIR" "${SERVERS[@]}")
fi

# nginx serves the bytes of every page measured, saved from the first server (a hit).
HTML="$WORK/html"
mkdir -p "$HTML/story/$SLUG"
IFS='|' read -r _ tree <<<"${SERVERS[0]}"
start_serve() {  # TREE LOG
  # shellcheck disable=SC2086
  start_bg "$2" env -C "$1" PYTHONPATH="$1" DATELINE_VAR_DIR="$VAR" ${SERVER_ENV:-} \
    "$VENV/bin/python" -m dateline.cli serve --port "$PORT" --workers 2 ${SERVE_ARGS:-}
  SERVER_PID=$BG_PID
  wait_http "http://127.0.0.1:$PORT/" 90 || { cat "$2" >&2; return 1; }
}
start_serve "$tree" "$WORK/serve-first.log"
for path in "/story/$SLUG/" "/"; do
  curl -sf -o /dev/null "http://127.0.0.1:$PORT$path"
done
curl -sf -o "$HTML/story/$SLUG/index.html" "http://127.0.0.1:$PORT/story/$SLUG/"
curl -sf -o "$HTML/index.html" "http://127.0.0.1:$PORT/"
stop_bg "$SERVER_PID"
chmod -R a+rX "$HTML"
start_nginx "$HTML" "$NGINX_PORT" "$WORK/nginx" "/story/$SLUG/"
ARTICLE_BYTES="$(wc -c <"$HTML/story/$SLUG/index.html")"
FRONT_BYTES="$(wc -c <"$HTML/index.html")"

ROWS="$WORK/rows.tsv"  # server \t case \t round \t rps p50 p99 errors cpu
: >"$ROWS"
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
measure() {  # SERVER_LABEL CASE ROUND PGID URL [wrk args…]
  local label="$1" case="$2" round="$3" pgid="$4" f
  shift 4
  f="$WORK/$(echo "$label-$case-$round" | tr -c 'a-zA-Z0-9-' '_').txt"
  wrk_cpu "$f" "$pgid" "$@"
  printf '%s\t%s\t%s\t%s\n' "$label" "$case" "$round" "$(wrk_summary "$f")" >>"$ROWS"
  printf '  round %s %-28s %-16s %s\n' "$round" "$label" "$case" "$(wrk_summary "$f")" >&2
}

for ((round = 1; round <= ROUNDS; round++)); do
  for entry in "${SERVERS[@]}"; do
    IFS='|' read -r label tree <<<"$entry"
    start_serve "$tree" "$WORK/serve-$round.log"
    base="http://127.0.0.1:$PORT"
    curl -sf -o /dev/null "$base/story/$SLUG/"
    curl -sf -o /dev/null "$base/"
    cmp -s <(curl -s "$base/story/$SLUG/") "$HTML/story/$SLUG/index.html" \
      || echo "  note: $label's article bytes differ from nginx's copy" >&2
    # nginx just before each cached case: the ratio compares runs seconds apart, under
    # the same outside load.
    measure "$label" "nginx article" "$round" "$NGINX_PID" "http://127.0.0.1:$NGINX_PORT/story/$SLUG/"
    measure "$label" "article cached" "$round" "$SERVER_PID" "$base/story/$SLUG/"
    measure "$label" "article uncached" "$round" "$SERVER_PID" "$base" \
      -s "$BENCH_DIR/wrk/uncached.lua" -- "$SLUGS" query
    measure "$label" "nginx front" "$round" "$NGINX_PID" "http://127.0.0.1:$NGINX_PORT/"
    measure "$label" "front cached" "$round" "$SERVER_PID" "$base/"
    measure "$label" "front uncached" "$round" "$SERVER_PID" "$base" \
      -s "$BENCH_DIR/wrk/front_uncached.lua"
    stop_bg "$SERVER_PID"
  done
done
stop_bg "$NGINX_PID"

mkdir -p "$BENCH_DIR/results"
OUT="$BENCH_DIR/results/throughput-$(date +%Y-%m-%d-%H%M).md"
{
  echo "# Throughput (issue 11), $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, 1,000 stories"
  echo
  echo "wrk -t$WRK_THREADS -c$WRK_CONN -d$DURATION --latency after a $WARMUP warm-up; $ROUNDS round(s), servers in turns."
  echo "Article page $ARTICLE_BYTES bytes, front page $FRONT_BYTES bytes (uncompressed: wrk sends no Accept-Encoding)."
  echo "Load average before: $LOAD_BEFORE; after: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "Each cell: the median over rounds (then every round's req/s). \"of nginx\": req/s over"
  echo "the req/s of nginx serving the same bytes just before, median over rounds."
  echo
  echo "| server | case | req/s (median; rounds) | p50 | p99 | CPU µs/req | of nginx | errors |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|"
  python3 - "$ROWS" <<'EOF'
import collections, statistics, sys

rows = collections.defaultdict(list)
order = []
for line in open(sys.argv[1]):
    label, case, rnd, summary = line.rstrip("\n").split("\t")
    rps, p50, p99, bad, cpu = summary.split()
    if (label, case) not in rows:
        order.append((label, case))
    rows[label, case].append((int(rnd), float(rps), p50, p99, int(bad), cpu))

def ms(v):
    if v.endswith("us"):
        return float(v[:-2]) / 1000
    if v.endswith("ms"):
        return float(v[:-2])
    if v.endswith("s"):
        return float(v[:-1]) * 1000
    return float("nan")

# nginx's req/s measured just before each cached case, by (server, page, round)
nginx = {
    (label, case.split()[1], r[0]): r[1]
    for (label, case), rs in rows.items()
    if case.startswith("nginx")
    for r in rs
}
for label, case in order:
    rs = rows[label, case]
    rps = statistics.median(r[1] for r in rs)
    p50 = statistics.median(ms(r[2]) for r in rs)
    p99 = statistics.median(ms(r[3]) for r in rs)
    cpus = [float(r[5]) for r in rs if r[5] != "n/a"]
    cpu = f"{statistics.median(cpus):,.0f}" if cpus else "n/a"
    share = ""
    if case.endswith(" cached"):
        page = case.split()[0]
        shares = [r[1] / nginx[label, page, r[0]] for r in rs if (label, page, r[0]) in nginx]
        share = f"{statistics.median(shares):.0%}" if shares else ""
    each = " / ".join(f"{r[1]:,.0f}" for r in rs)
    print(f"| {label} | {case} | **{rps:,.0f}** ({each}) | {p50:.2f} ms | {p99:.2f} ms | {cpu} | {share} | {sum(r[4] for r in rs)} |")
EOF
} >"$OUT"
cat "$OUT"
echo "(written to $OUT; raw wrk output in $WORK)" >&2
