"""Import benchmark: rate (stories per second), SQL statements per story and memory, on a
generated WordPress export or ninjs folder.

    .venv/bin/python bench/wxr_import.py [POSTS ...] [--format wxr|ninjs]
                                                      (default: 5000 50000, wxr)

Each size gets a fresh SQLite database under /tmp (or BENCH_DATABASE_URL: an empty
PostgreSQL database, emptied again after each size) and runs `dateline import` as its own
process (bench/import_child.py: the command as a site owner runs it, with every SQL
statement counted); the child's resident memory is sampled from /proc every 0.2 s, so
"flat" can be read off the samples (RSS at 10 %, 50 % and 100 % of the items) and the peak.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dateline.ingest.tests.wxr_factory import write_export  # noqa: E402

GOAL = 500  # stories per second (issue 11)


def write_ninjs(folder: Path, count: int, per_file: int = 1000) -> Path:
    """`count` ninjs stories in files of `per_file` items: section, byline, tags, a place
    and an ALSO READ link to the story before, as a newsroom's export has them."""
    import json

    folder.mkdir(parents=True)
    for start in range(0, count, per_file):
        items = []
        for n in range(start, min(count, start + per_file)):
            items.append(
                {
                    "uri": f"urn:bench:{n}",
                    "type": "text",
                    "firstcreated": f"2025-{1 + n % 12:02d}-{1 + n % 28:02d}T08:00:00Z",
                    "headlines": [{"role": "main", "value": f"Bench story number {n}"}],
                    "descriptions": [{"role": "summary", "value": f"What happened, {n}"}],
                    "by": f"Writer {n % 40}",
                    "bodies": [
                        {
                            "role": "main",
                            "contenttype": "text/html",
                            "value": f"<p>The harbour board met on day {n}.</p>" * 8
                            + ('<p class="also-read" data-assoc-ref="before"></p>' if n else ""),
                        }
                    ],
                    "subjects": [
                        {"name": ["News", "Sport", "World", "Business"][n % 4], "rel": "section"},
                        {"name": f"Tag {n % 90}"},
                    ],
                    "places": [{"name": f"Place {n % 30}"}],
                    "associations": (
                        [{"name": "before", "type": "text", "uri": f"urn:bench:{n - 1}"}]
                        if n
                        else []
                    ),
                }
            )
        (folder / f"{start // per_file:05d}.json").write_text(json.dumps(items))
    return folder


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except FileNotFoundError:
        pass
    return 0.0


def run(posts: int, format: str) -> None:
    work = Path(tempfile.mkdtemp(prefix="dateline-bench-import-"))
    if format == "wxr":
        export = write_export(work / f"export-{posts}.xml", posts)
        size_mb = export.stat().st_size / 1e6
    else:
        export = write_ninjs(work / "ninjs", posts)
        size_mb = sum(p.stat().st_size for p in export.iterdir()) / 1e6
    database = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{work}/db.sqlite3")
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DATELINE_SECRET_KEY": "bench",
        "DATELINE_VAR_DIR": str(work / "var"),
        "DATELINE_MEDIA_ROOT": str(work / "media"),
        "PYTHONUNBUFFERED": "1",
    }
    dateline = str(Path(sys.executable).parent / "dateline")
    child_script = str(Path(__file__).parent / "import_child.py")
    if database.startswith("postgres"):
        subprocess.run([dateline, "flush", "--no-input", "-v0"], env=env, check=False)
    subprocess.run([dateline, "migrate", "-v0"], env=env, check=True)
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, child_script, format, str(export)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
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
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # The importer's own CPU time: on a machine shared with other work, the rate a core of
    # its own would give (the database server's CPU is not in it).
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    err = child.stderr.read()
    statements = next(
        (int(line.split()[1]) for line in err.splitlines() if line.startswith("statements ")), 0
    )
    backend = next(
        (float(line.split()[1]) for line in err.splitlines() if line.startswith("backend_cpu ")),
        None,
    )
    writer = next(
        (float(line.split()[1]) for line in err.splitlines() if line.startswith("writer_cpu ")),
        None,
    )
    reader = next(
        (float(line.split()[1]) for line in err.splitlines() if line.startswith("reader_cpu ")),
        0.0,
    )
    peak = max(mb for _, mb in samples) if samples else 0.0

    def at(fraction: float) -> float:
        wanted = posts * fraction
        return next((mb for n, mb in samples if n >= wanted), samples[-1][1] if samples else 0)

    vendor = "PostgreSQL" if database.startswith("postgres") else "SQLite"
    print(
        f"{format} {vendor}: {posts:>7,} stories  {size_mb:7.1f} MB  {elapsed:7.1f} s  "
        f"{posts / elapsed:6.0f} stories/s (goal >= {GOAL}), {posts / cpu:5.0f} per "
        f"importer CPU-second  load {os.getloadavg()[0]:.1f}  "
        f"{statements / posts:5.2f} statements/story  RSS at 10% {at(0.1):4.0f} MB, "
        f"50% {at(0.5):4.0f} MB, 100% {at(1.0):4.0f} MB, peak {peak:4.0f} MB  "
        f"(exit {child.returncode})"
    )
    if backend is not None:
        # The importer and its backend take turns (each statement waits for its answer),
        # so on a machine of their own a run takes at least the sum of their CPU times:
        # the rate that sum implies is the figure to read against the goal.
        print(
            f"  importer CPU {cpu:.1f} s, PostgreSQL backend CPU {backend:.1f} s: "
            f"{1000 * (cpu + backend) / posts:.2f} ms CPU per story, "
            f"{posts / (cpu + backend):.0f} stories/s on a machine of their own "
            f"(N / (importer + backend CPU); goal >= {GOAL})"
        )
        if writer is not None and reader > 0:
            # Read ahead (core.ahead): the reader parses in its own process while the
            # writer and its backend take turns, so a run takes at least the larger of
            # the reader's CPU and writer + backend.
            both = max(reader, writer + backend)
            print(
                f"  read ahead: reader CPU {reader:.1f} s, writer CPU {writer:.1f} s + backend "
                f"{backend:.1f} s = {writer + backend:.1f} s: {posts / both:.0f} stories/s on "
                f"a machine of their own (N / max(reader, writer + backend); goal >= {GOAL})"
            )
    if database.startswith("postgres"):
        subprocess.run([dateline, "flush", "--no-input", "-v0"], env=env, check=False)


if __name__ == "__main__":
    args = sys.argv[1:]
    kind = "wxr"
    if "--format" in args:
        i = args.index("--format")
        kind = args[i + 1]
        del args[i : i + 2]
    for size in [int(a) for a in args] or [5000, 50000]:
        run(size, kind)
