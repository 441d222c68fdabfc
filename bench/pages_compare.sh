#!/usr/bin/env bash
# bench/pages.py on two archives in turns, ROUNDS times, and each page's best median per
# archive beside the goal (the large archive within 1.5× of the small one). On a machine
# shared with others' test runs a single pass swings by 2× either way; the best of a few
# passes taken in turns is the steadier figure.
#
#   bash bench/pages_compare.sh postgres://…/arch_1k postgres://…/arch_1m [ROUNDS]
set -euo pipefail
small="$1" large="$2" rounds="${3:-3}"
here="$(cd "$(dirname "$0")" && pwd)"
out="$(mktemp -d)"
for ((i = 1; i <= rounds; i++)); do
  for which in small large; do
    url="${!which}"
    DATABASE_URL="$url" DATELINE_VAR_DIR="$out/var-$which" \
      "$here/../.venv/bin/python" "$here/pages.py" 2>/dev/null | grep '^| ' | tail -n +2 \
      >"$out/$which-$i.md"
  done
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
"$here/../.venv/bin/python" - "$out" "$rounds" <<'PY'
import sys
from pathlib import Path

out, rounds = Path(sys.argv[1]), int(sys.argv[2])


def best(which):
    rows = {}
    for i in range(1, rounds + 1):
        for line in (out / f"{which}-{i}.md").read_text().splitlines():
            cells = [c.strip() for c in line.strip("|").split("|")]
            name, ms, sql, queries = cells[0], float(cells[1]), float(cells[2]), cells[3]
            cpu = float(cells[5]) if len(cells) > 5 else float("nan")
            old = rows.get(name)
            if old:
                ms, sql, cpu = min(ms, old[0]), min(sql, old[1]), min(cpu, old[3])
            rows[name] = (ms, sql, queries, cpu)
    return rows


small, large = best("small"), best("large")
# CPU ms: the process's and its PostgreSQL backend's CPU time per request (bench/pages.py),
# the steadier figure on a loaded machine; wall ms includes waiting for a core.
print("| page | small: ms | SQL ms | CPU ms | queries (warm / cold) | large: ms | SQL ms | CPU ms | queries | large ÷ small (wall) | (CPU) | within 1.5× (wall / CPU) |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
yes = lambda r: "yes" if r <= 1.5 else "no"  # noqa: E731
for name, (ms, sql, q, cpu) in small.items():
    lms, lsql, lq, lcpu = large[name]
    ratio, cpu_ratio = lms / ms, lcpu / cpu if cpu else float("nan")
    print(f"| {name} | {ms:.1f} | {sql:.0f} | {cpu:.1f} | {q} | {lms:.1f} | {lsql:.0f} | {lcpu:.1f} | {lq} | {ratio:.2f} | {cpu_ratio:.2f} | {yes(ratio)} / {yes(cpu_ratio)} |")
PY
