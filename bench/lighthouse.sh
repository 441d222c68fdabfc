#!/usr/bin/env bash
# Lighthouse (mobile defaults) on every public page kind of the plain demo site (the demo
# without tagline, section descriptions or author bios) served by `dateline serve`. The kinds
# and their pages are PAGE_KINDS in dateline/news/tests/page_kinds.py, the list the suite's
# vnu and axe-core checks use (bench/page_kinds.py makes the site and lists them). Prints the
# four category scores (0-100) and the audits that did not pass, for each page, then a table
# of all; the JSON reports stay in the work directory.
#
#   bash bench/lighthouse.sh [KIND...]     (every kind when none is named)
#
# Needs npm (lighthouse@12.2.3 is fetched by npx) and Debian's chromium.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
trap cleanup_all EXIT INT TERM

PORT="${BENCH_LIGHTHOUSE_PORT:-8330}"
LIGHTHOUSE="${LIGHTHOUSE:-lighthouse@12.2.3}"
export CHROME_PATH="${CHROME_PATH:-/usr/bin/chromium}"
WORK="$(mktemp -d /tmp/dateline-lighthouse.XXXXXX)"
VAR="$WORK/var"
DATELINE_VAR_DIR="$VAR" "$VENV/bin/python" "$BENCH_DIR/page_kinds.py" >&2
KINDS="$VAR/page-kinds.tsv"

start_dateline "$VAR" "$PORT" "$WORK/serve.log" --workers 2
BASE="http://127.0.0.1:$PORT"

if ! npx --yes "$LIGHTHOUSE" --version >"$WORK/npx.log" 2>&1; then
  echo "Lighthouse could not be installed with npx ($LIGHTHOUSE):" >&2
  tail -20 "$WORK/npx.log" >&2
  exit 1
fi

echo
echo "## Lighthouse $(npx --yes "$LIGHTHOUSE" --version) (mobile, simulated throttling), $(date -u '+%Y-%m-%d %H:%M UTC')"
SUMMARY="$WORK/summary.md"
while IFS=$'\t' read -r name path; do
  if [ "$#" -gt 0 ] && ! printf '%s\n' "$@" | grep -qxF -- "$name"; then continue; fi
  url="$BASE$path"
  file="$WORK/$(printf '%s' "$name" | tr -c 'a-z0-9' '-')"
  report="$file.json"
  # As readers find it: once asked for, a page is kept, and so is each picture size made
  # for it (the first reader pays for the render and the resizing, several seconds a page
  # of pictures on a busy machine, which Lighthouse would count as the page's own).
  curl -s "$url" | { grep -oE '/media/r/[^" ,]+' || true; } | sort -u | while read -r media; do
    curl -s -o /dev/null "$BASE$media"
  done
  curl -s -o /dev/null "$url"
  # --ignore-status-code: the 404 page is a page kind too (its SEO still loses the audit
  # http-status-code, as it should). A run that loses its trace (NO_NAVSTART, on a busy
  # machine) is tried again, up to three times.
  ok=
  for try in 1 2 3; do
    if npx --yes "$LIGHTHOUSE" "$url" \
      --output=json --output-path="$report" --quiet --ignore-status-code \
      --chrome-flags="--headless=new --no-sandbox --disable-background-networking" \
      </dev/null >"$file.log" 2>&1; then ok=1; break; fi
  done
  [ -n "$ok" ] || { echo "lighthouse failed on $url:" >&2; tail -20 "$file.log" >&2; continue; }
  node - "$report" "$name" "$SUMMARY" <<'EOF'
const fs = require("fs");
const [report, name, summary] = process.argv.slice(2);
const r = JSON.parse(fs.readFileSync(report, "utf8"));
const cats = ["performance", "accessibility", "best-practices", "seo"];
const score = (c) => (r.categories[c] && r.categories[c].score !== null
  ? Math.round(r.categories[c].score * 100) : "n/a");
console.log(`\n### ${name} page: ${r.finalDisplayedUrl || r.finalUrl}`);
console.log("");
console.log("| " + cats.join(" | ") + " |");
console.log("|" + cats.map(() => "---:").join("|") + "|");
console.log("| " + cats.map(score).join(" | ") + " |");
// Lighthouse's measure of this machine's speed while it ran: below 1000 (a busy machine),
// it warns that performance scores are unreliable (main-thread work is scaled up by it).
const bench = Math.round(r.environment.benchmarkIndex);
fs.appendFileSync(summary, `| ${name} | ${cats.map(score).join(" | ")} | ${bench} |\n`);
const failed = [];
for (const c of cats) {
  for (const ref of (r.categories[c] || { auditRefs: [] }).auditRefs) {
    const a = r.audits[ref.id];
    if (!a || a.score === null || a.score >= 1) continue;
    if (["notApplicable", "manual", "informative"].includes(a.scoreDisplayMode)) continue;
    failed.push({ c, id: ref.id, w: ref.weight, s: a.score, t: a.title, v: a.displayValue || "" });
  }
}
failed.sort((x, y) => y.w - x.w || x.s - y.s);
console.log("");
if (!failed.length) console.log("No failed audits.");
for (const f of failed) {
  console.log(`- ${f.c}: ${f.id} (score ${Math.round(f.s * 100)}, weight ${f.w})` +
              `${f.v ? ": " + f.v : ""}: ${f.t}`);
}
const m = r.audits;
const metric = (id) => (m[id] ? m[id].displayValue : "n/a");
console.log(`- metrics: FCP ${metric("first-contentful-paint")}, LCP ${metric("largest-contentful-paint")}, ` +
            `TBT ${metric("total-blocking-time")}, CLS ${metric("cumulative-layout-shift")}, ` +
            `SI ${metric("speed-index")}`);
EOF
done <"$KINDS"
echo
echo "### Every page kind (load average $(cut -d' ' -f1-3 /proc/loadavg))"
echo
echo "| page | performance | accessibility | best practices | SEO | benchmark index |"
echo "|---|---:|---:|---:|---:|---:|"
cat "$SUMMARY"
echo
echo "(JSON reports in $WORK)" >&2
