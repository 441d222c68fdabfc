#!/usr/bin/env python
"""CPU time of one page-cache hit and one miss through `dateline serve`'s front, in-process,
without granian or wrk: the Python a worker runs per request, measured with the process's
CPU clock, so other people's load on the machine moves it far less than req/s.

    DATELINE_VAR_DIR=/tmp/x .venv/bin/python bench/front_cpu.py [--root TREE] [--n 300]

- hit: `config.rsgi.application.__rsgi__` for a warm article URL, with granian's scope and
  protocol stood in for by plain objects (the headers a dict with `get_all`);
- miss: the front's thread path (`Front._call` on its environ) for a different article and
  a unique query string each time: the page cache's lookup, Django, the render, the ETag and
  the store, as bench/wrk/uncached.lua asks;
- front miss: the same for the front page (`/?bench=cpu-<n>`, bench/wrk/front_uncached.lua):
  a miss of the page cache, with the process's memos warm, as on a live site.
`--root` runs another source tree (e.g. `git archive main | tar -x -C /tmp/base`) with this
virtualenv: before/after on the same site. Uses the stories of bench/load_stories.py.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from pathlib import Path

import inprocess


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", default=str(Path(__file__).resolve().parent.parent))
    parser.add_argument("--n", type=int, default=300, help="misses per sample")
    parser.add_argument("--samples", type=int, default=5)
    args = parser.parse_args()
    front, slugs = inprocess.front(args.root)
    count = [0]

    def miss():
        count[0] += 1
        scope = inprocess.Scope(f"/story/{slugs[count[0] % len(slugs)]}/", f"bench=cpu-{count[0]}")
        status, _, _ = front._call(front._environ(scope, None))
        assert status == 200, status

    def front_miss():
        count[0] += 1
        status, _, _ = front._call(
            front._environ(inprocess.Scope("/", f"bench=cpu-{count[0]}"), None)
        )
        assert status == 200, status

    hit_scope = inprocess.Scope(f"/story/{slugs[len(slugs) // 2]}/")
    front._call(front._environ(hit_scope, None))  # now kept
    protocol = inprocess.Protocol()

    async def hits(n):
        for _ in range(n):
            await front.__rsgi__(hit_scope, protocol)

    for _ in range(100):
        miss()
    for _ in range(10):
        front_miss()
    asyncio.run(hits(1000))
    assert protocol.status == 200
    miss_ms, front_ms, hit_us = [], [], []
    for _ in range(args.samples):
        started = time.process_time()
        for _ in range(args.n):
            miss()
        miss_ms.append((time.process_time() - started) / args.n * 1000)
        started = time.process_time()
        for _ in range(args.n // 10):
            front_miss()
        front_ms.append((time.process_time() - started) / (args.n // 10) * 1000)
        started = time.process_time()
        asyncio.run(hits(args.n * 50))
        hit_us.append((time.process_time() - started) / (args.n * 50) * 1e6)
    print(f"tree {args.root}")
    print(
        f"miss: median {statistics.median(miss_ms):.2f} ms CPU "
        f"(samples {' / '.join(f'{x:.2f}' for x in miss_ms)})"
    )
    print(
        f"front miss: median {statistics.median(front_ms):.2f} ms CPU "
        f"(samples {' / '.join(f'{x:.2f}' for x in front_ms)})"
    )
    print(
        f"hit:  median {statistics.median(hit_us):.1f} µs CPU "
        f"(samples {' / '.join(f'{x:.1f}' for x in hit_us)})"
    )


if __name__ == "__main__":
    main()
