#!/usr/bin/env bash
# Several servers and a cache in front, on PostgreSQL and Redis (issue 11):
#   - one `dateline serve --workers 2` against two `dateline serve --workers 1` (the same
#     number of workers on these 2 cores), both behind the same nginx load balancer, both
#     with their page-cache versions in Redis: uncached and cached article pages;
#   - Varnish (deploy/varnish/dateline.vcl) in front of the two: one warm article, and every
#     article in turn (hit rate from varnishstat);
#   - nginx serving the same article's bytes as a static file, in the same run.
#
#   bash bench/servers.sh [STORIES]          (1,000 by default)
#
# Makes a PostgreSQL database of its own (BENCH_POSTGRES, the server to use) and a private
# redis-server, and drops both at the end. Prints a table and writes it to
# bench/results/servers-cache-<date>.md.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

STORIES="${1:-1000}"
ROUNDS="${BENCH_ROUNDS:-2}"
POSTGRES="${BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432}"
WORK="$(mktemp -d /tmp/dateline-bench-servers.XXXXXX)"
chmod 755 "$WORK"  # nginx's workers read the static copy from here
DB="bench_servers_$$"
free_port() { "$VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

finish() {
  cleanup_all
  psql "$POSTGRES/postgres" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
  [ -n "${BENCH_KEEP:-}" ] || rm -rf "$WORK"
}
trap finish EXIT INT TERM

psql "$POSTGRES/postgres" -qc "CREATE DATABASE $DB" >/dev/null
export DATABASE_URL="$POSTGRES/$DB"
export DATELINE_SECRET_KEY="bench-$(head -c 24 /dev/urandom | base64 | tr -d '/+=')"

REDIS_PORT="$(free_port)"
start_bg "$WORK/redis.log" redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" \
  --appendonly no --dir "$WORK"
export CACHE_URL="redis://127.0.0.1:$REDIS_PORT/0"

echo "loading $STORIES stories into PostgreSQL ($DB)" >&2
DATELINE_VAR_DIR="$WORK/a" "$VENV/bin/python" "$BENCH_DIR/load_stories.py" "$STORIES" >&2
mkdir -p "$WORK/b"
SLUGS="$WORK/a/bench-slugs.txt"
WARM_SLUG="$(sed -n "$(( ($(wc -l <"$SLUGS") + 1) / 2 ))p" "$SLUGS")"

P1="$(free_port)" P2="$(free_port)" LB="$(free_port)" VARNISH="$(free_port)" STATIC="$(free_port)"

# nginx as the load balancer: the same proxy in front of one server and of two.
start_lb() {
  local conf="$WORK/lb" upstreams="" port
  for port in "$@"; do upstreams+="server 127.0.0.1:$port;"; done
  mkdir -p "$conf/tmp"
  cat >"$conf/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $conf/nginx.pid;
error_log $conf/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $conf/tmp;
  proxy_temp_path $conf/tmp;
  fastcgi_temp_path $conf/tmp;
  uwsgi_temp_path $conf/tmp;
  scgi_temp_path $conf/tmp;
  upstream dateline { $upstreams keepalive 64; }
  server {
    listen 127.0.0.1:$LB;
    location / {
      proxy_pass http://dateline;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host 127.0.0.1;
    }
  }
}
CONF
  start_bg "$conf/stdout.log" nginx -c "$conf/nginx.conf" -e "$conf/error.log"
  LB_PID=$BG_PID
  wait_http "http://127.0.0.1:$LB/story/$WARM_SLUG/" 30
}

declare -A R
measure() {  # label URL [wrk args…]
  local label="$1" url="$2"
  shift 2
  echo "  $label" >&2
  wrk_run "$WORK/$label.txt" "$url" "$@"
  R[$label]="$(wrk_summary "$WORK/$label.txt")"
  echo "    ${R[$label]}" >&2
}

run_one() {
  echo "one server, 2 workers, behind nginx (round $1)" >&2
  start_dateline "$WORK/a" "$P1" "$WORK/one.log" --workers 2
  ONE_PID=$SERVER_PID
  start_lb "$P1"
  measure "one-uncached-$1" "http://127.0.0.1:$LB" -s "$BENCH_DIR/wrk/uncached.lua" -- "$SLUGS" query
  measure "one-cached-$1" "http://127.0.0.1:$LB/story/$WARM_SLUG/"
  stop_bg "$LB_PID"
  stop_bg "$ONE_PID"
}

run_two() {
  echo "two servers, 1 worker each, behind nginx (round $1)" >&2
  start_two
  start_lb "$P1" "$P2"
  measure "two-uncached-$1" "http://127.0.0.1:$LB" -s "$BENCH_DIR/wrk/uncached.lua" -- "$SLUGS" query
  measure "two-cached-$1" "http://127.0.0.1:$LB/story/$WARM_SLUG/"
  stop_bg "$LB_PID"
}

S1="" S2=""
start_two() {
  [ -z "$S1" ] || return 0
  SERVER_ENV="DATELINE_PURGE_URL=http://127.0.0.1:$VARNISH/" start_dateline "$WORK/a" "$P1" "$WORK/s1.log" --workers 1
  S1=$SERVER_PID
  SERVER_ENV="DATELINE_PURGE_URL=http://127.0.0.1:$VARNISH/" start_dateline "$WORK/b" "$P2" "$WORK/s2.log" --workers 1
  S2=$SERVER_PID
}
stop_two() {
  [ -n "$S1" ] || return 0
  stop_bg "$S1"
  stop_bg "$S2"
  S1="" S2=""
}

# In turns, each first in one round: the first case also warms PostgreSQL's buffers.
for ((round = 1; round <= ROUNDS; round++)); do
  if ((round % 2)); then
    run_one "$round"
    run_two "$round"
  else
    run_two "$round"
    stop_two
    run_one "$round"
  fi
done
start_two

echo "Varnish in front of the two" >&2
mkdir -p "$WORK/varnish"
sed -e "s/\"8000\"/\"$P1\"/" \
  -e 's/^backend app1 {/backend app2 { .host = "127.0.0.1"; .port = "'"$P2"'"; }\nbackend app1 {/' \
  -e 's/app.add_backend(app1);/app.add_backend(app1); app.add_backend(app2);/' \
  "$ROOT/deploy/varnish/dateline.vcl" >"$WORK/varnish/dateline.vcl"
start_bg "$WORK/varnish.log" varnishd -F -j none -n "$WORK/varnish/n" -a "127.0.0.1:$VARNISH" \
  -f "$WORK/varnish/dateline.vcl" -s malloc,256m -p http_resp_hdr_len=32k -p http_resp_size=64k
VARNISH_PID=$BG_PID
wait_http "http://127.0.0.1:$VARNISH/story/$WARM_SLUG/" 30
stat() { varnishstat -n "$WORK/varnish/n" -1 -f "MAIN.$1" | awk '{print $2}'; }
measure varnish-cached "http://127.0.0.1:$VARNISH/story/$WARM_SLUG/"
hit0="$(stat cache_hit)" miss0="$(stat cache_miss)"
measure varnish-articles "http://127.0.0.1:$VARNISH" -s "$BENCH_DIR/wrk/articles.lua" -- "$SLUGS"
hit1="$(stat cache_hit)" miss1="$(stat cache_miss)"
measure varnish-articles-warm "http://127.0.0.1:$VARNISH" -s "$BENCH_DIR/wrk/articles.lua" -- "$SLUGS"
hit2="$(stat cache_hit)" miss2="$(stat cache_miss)"
rate() { awk -v h="$1" -v m="$2" 'BEGIN { printf "%.1f %% (%d hits, %d misses)", (h + m) ? 100 * h / (h + m) : 0, h, m }'; }
COLD="$(rate $((hit1 - hit0)) $((miss1 - miss0)))"
WARM="$(rate $((hit2 - hit1)) $((miss2 - miss1)))"

echo "nginx serving the same bytes" >&2
mkdir -p "$WORK/static/story/$WARM_SLUG"
chmod -R 755 "$WORK/static"
curl -s "http://127.0.0.1:$VARNISH/story/$WARM_SLUG/" >"$WORK/static/story/$WARM_SLUG/index.html"
BYTES="$(wc -c <"$WORK/static/story/$WARM_SLUG/index.html")"
start_nginx "$WORK/static" "$STATIC" "$WORK/nginx" "/story/$WARM_SLUG/"
measure nginx-static "http://127.0.0.1:$STATIC/story/$WARM_SLUG/"

row() { read -r rps p50 p99 bad _ <<<"${R[$1]}"; echo "| $2 | $rps | $p50 | $p99 | $bad |"; }
rounds() {  # label text: one row per round
  local r
  for ((r = 1; r <= ROUNDS; r++)); do row "$1-$r" "$2, round $r"; done
}
mkdir -p "$BENCH_DIR/results"
OUT="$BENCH_DIR/results/servers-cache-$(date +%Y-%m-%d-%H%M).md"
{
  echo "# Several servers and Varnish, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $STORIES stories, PostgreSQL + Redis"
  echo
  echo "wrk -t$WRK_THREADS -c$WRK_CONN -d$DURATION (after $WARMUP warm-up); article page $BYTES bytes; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "| case | req/s | p50 | p99 | errors |"
  echo "|---|---|---|---|---|"
  rounds one-uncached "one server (2 workers) via nginx, uncached"
  rounds two-uncached "two servers (1 worker each) via nginx, uncached"
  rounds one-cached "one server (2 workers) via nginx, cached"
  rounds two-cached "two servers (1 worker each) via nginx, cached"
  row varnish-cached "Varnish in front of the two, one warm article"
  row varnish-articles "Varnish in front of the two, every article in turn from cold (wrk's warm-up included: hit rate $COLD)"
  row varnish-articles-warm "… and again, every article in turn (hit rate $WARM)"
  row nginx-static "nginx, the same bytes as a static file"
} | tee "$OUT"
