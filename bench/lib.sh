# Shared helpers for bench/*.sh (sourced, not run).
# Every process started here is started in its own session (setsid) and stopped by its
# process-group id, so a benchmark never touches anyone else's servers.

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"
VENV="${VENV:-$ROOT/.venv}"
DURATION="${BENCH_DURATION:-15s}"
WARMUP="${BENCH_WARMUP:-3s}"
WRK_CONN="${BENCH_CONNECTIONS:-32}"
WRK_THREADS="${BENCH_THREADS:-2}"

export DATELINE_DEBUG=0
export DJANGO_SETTINGS_MODULE=config.settings.production
export DATELINE_ALLOWED_HOSTS=127.0.0.1

_PIDS=()

cleanup_all() {
  local pid
  for pid in "${_PIDS[@]:-}"; do
    [ -n "$pid" ] && kill -TERM -- "-$pid" 2>/dev/null || true
  done
  for pid in "${_PIDS[@]:-}"; do
    [ -n "$pid" ] && wait "$pid" 2>/dev/null || true
  done
  _PIDS=()
}

# wait_http URL [SECONDS] — until URL answers 200.
wait_http() {
  local url="$1" limit="${2:-60}" i
  for ((i = 0; i < limit * 10; i++)); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$url")" = 200 ] && return 0
    sleep 0.1
  done
  echo "no 200 from $url after ${limit}s" >&2
  return 1
}

# start_bg LOG CMD… — run CMD in a new session; sets BG_PID.
start_bg() {
  local log="$1"
  shift
  setsid "$@" >"$log" 2>&1 &
  BG_PID=$!
  _PIDS+=("$BG_PID")
}

# stop_bg PID — TERM the process group, then wait for it.
stop_bg() {
  local pid="$1" i
  kill -TERM -- "-$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL -- "-$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  local kept=() p
  for p in "${_PIDS[@]:-}"; do [ "$p" != "$pid" ] && [ -n "$p" ] && kept+=("$p"); done
  _PIDS=("${kept[@]:-}")
  # Let TIME_WAIT sockets and the other engineers' processes settle between runs.
  sleep 1
}

# start_dateline VAR_DIR PORT LOG [serve args…] — `dateline serve` on VAR_DIR; sets SERVER_PID.
# SERVER_ENV may hold extra NAME=value words for the server's environment.
start_dateline() {
  local var="$1" port="$2" log="$3"
  shift 3
  # shellcheck disable=SC2086
  start_bg "$log" env DATELINE_VAR_DIR="$var" ${SERVER_ENV:-} \
    "$VENV/bin/dateline" serve --port "$port" "$@"
  SERVER_PID=$BG_PID
  wait_http "http://127.0.0.1:$port/" 90 || { cat "$log" >&2; return 1; }
}

# start_nginx ROOT_DIR PORT WORKDIR PATH — nginx serving ROOT_DIR (2 workers) until PATH
# answers 200; sets NGINX_PID.
start_nginx() {
  local docroot="$1" port="$2" work="$3" check="${4:-/}"
  mkdir -p "$work"
  chmod 755 "$work"
  cat >"$work/nginx.conf" <<EOF
worker_processes 2;
daemon off;
pid $work/nginx.pid;
error_log $work/error.log warn;
events { worker_connections 1024; }
http {
  types { text/html html; }
  default_type text/html;
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_timeout 65;
  keepalive_requests 1000000;
  client_body_temp_path $work/tmp;
  proxy_temp_path $work/tmp;
  fastcgi_temp_path $work/tmp;
  uwsgi_temp_path $work/tmp;
  scgi_temp_path $work/tmp;
  server {
    listen 127.0.0.1:$port;
    root $docroot;
    index index.html;
  }
}
EOF
  mkdir -p "$work/tmp"
  start_bg "$work/stdout.log" nginx -c "$work/nginx.conf" -e "$work/error.log"
  NGINX_PID=$BG_PID
  wait_http "http://127.0.0.1:$port$check" 20 || { tail -5 "$work/error.log" >&2; return 1; }
}

# wrk_run OUTFILE URL [-s SCRIPT -- ARGS…] — a warm-up, then the measured run into OUTFILE.
wrk_run() {
  local out="$1"
  shift
  wrk -t"$WRK_THREADS" -c"$WRK_CONN" -d"$WARMUP" "$@" >/dev/null 2>&1
  wrk -t"$WRK_THREADS" -c"$WRK_CONN" -d"$DURATION" --latency "$@" >"$out" 2>&1
}

# group_cpu_ticks PGID — user+system CPU clock ticks used so far by every process in the
# process group (all threads included). A measured run's CPU per request is a figure that
# survives a busy machine better than req/s does.
group_cpu_ticks() {
  local total=0 pid stat
  for pid in $(pgrep -g "$1" 2>/dev/null); do
    stat="$(cat "/proc/$pid/stat" 2>/dev/null)" || continue
    stat="${stat##*) }"
    # shellcheck disable=SC2086
    set -- $stat
    total=$((total + ${12} + ${13}))
  done
  echo "$total"
}

# wrk_cpu OUTFILE PGID URL [wrk args…] — wrk_run, then append "CPU ticks: N" (the server's CPU
# during the measured run) to OUTFILE.
wrk_cpu() {
  local out="$1" pgid="$2" before after
  shift 2
  wrk -t"$WRK_THREADS" -c"$WRK_CONN" -d"$WARMUP" "$@" >/dev/null 2>&1
  before="$(group_cpu_ticks "$pgid")"
  wrk -t"$WRK_THREADS" -c"$WRK_CONN" -d"$DURATION" --latency "$@" >"$out" 2>&1
  after="$(group_cpu_ticks "$pgid")"
  echo "CPU ticks: $((after - before)) at $(getconf CLK_TCK)/s" >>"$out"
}

# wrk_summary OUTFILE — prints "req/s p50 p99 errors cpu-us-per-request" from wrk's output.
wrk_summary() {
  awk '
    /Requests\/sec:/ { rps = $2 }
    $1 == "50%" { p50 = $2 }
    $1 == "99%" { p99 = $2 }
    /Non-2xx or 3xx responses:/ { bad += $5 }
    /Socket errors:/ { for (i = 3; i <= NF; i += 2) { v = $(i + 1); gsub(",", "", v); bad += v } }
    / requests in / { n = $1 }
    /^CPU ticks:/ { ticks = $3; hz = $5; sub("/s", "", hz) }
    END {
      cpu = (ticks != "" && n > 0) ? sprintf("%.0f", ticks * 1000000 / hz / n) : "n/a"
      printf "%s %s %s %d %s\n", (rps == "" ? "n/a" : rps), (p50 == "" ? "n/a" : p50), (p99 == "" ? "n/a" : p99), bad, cpu
    }
  ' "$1"
}
