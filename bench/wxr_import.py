"""WordPress import benchmark: rate (posts per second) and memory on a generated export.

    .venv/bin/python bench/wxr_import.py [POSTS ...]     (default: 5000 50000)

Each size gets a fresh SQLite database under /tmp and runs `dateline import wxr` as its own
process; the child's resident memory is sampled from /proc every 0.2 s, so "flat" can be
read off the samples (RSS at 10 %, 50 % and 100 % of the items) and the peak.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dateline.ingest.tests.wxr_factory import write_export  # noqa: E402


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except FileNotFoundError:
        pass
    return 0.0


def run(posts: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="dateline-bench-wxr-"))
    export = write_export(work / f"export-{posts}.xml", posts)
    size_mb = export.stat().st_size / 1e6
    env = {
        **os.environ,
        "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{work}/db.sqlite3"),
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DATELINE_SECRET_KEY": "bench",
        "DATELINE_VAR_DIR": str(work / "var"),
        "DATELINE_MEDIA_ROOT": str(work / "media"),
        "PYTHONUNBUFFERED": "1",
    }
    dateline = str(Path(sys.executable).parent / "dateline")
    subprocess.run([dateline, "migrate", "-v0"], env=env, check=True)
    started = time.perf_counter()
    child = subprocess.Popen(
        [dateline, "import", "wxr", str(export), "--no-progress"],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    samples: list[tuple[int, float]] = []
    done = 0
    last = 0.0
    os.set_blocking(child.stdout.fileno(), True)
    for _line in child.stdout:
        done += 1
        now = time.perf_counter()
        if now - last > 0.2:
            samples.append((done, rss_mb(child.pid)))
            last = now
    child.wait()
    elapsed = time.perf_counter() - started
    peak = max(mb for _, mb in samples) if samples else 0.0

    def at(fraction: float) -> float:
        wanted = posts * fraction
        return next((mb for n, mb in samples if n >= wanted), samples[-1][1] if samples else 0)

    print(
        f"{posts:>7,} posts  {size_mb:7.1f} MB export  {elapsed:7.1f} s  "
        f"{posts / elapsed:6.0f} posts/s  RSS at 10% {at(0.1):5.0f} MB, 50% {at(0.5):5.0f} MB, "
        f"100% {at(1.0):5.0f} MB, peak {peak:5.0f} MB  (exit {child.returncode})"
    )


if __name__ == "__main__":
    for size in [int(a) for a in sys.argv[1:]] or [5000, 50000]:
        run(size)
