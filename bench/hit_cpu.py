#!/usr/bin/env python
"""CPU time of a page-cache hit through `dateline serve`'s front, in process, as a busy
worker runs it: each hit its own task on uvloop, `--batch` hits a turn of the loop (so the
access log's lines go out a turn at a time, as under granian), stderr wherever it points
(send it to a file, as a server's log). front_cpu.py's hits all run in one coroutine.

    DATELINE_VAR_DIR=/tmp/x .venv/bin/python bench/hit_cpu.py [--root TREE] 2>/tmp/x/log
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

import inprocess
import uvloop


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", default=str(Path(__file__).resolve().parent.parent))
    parser.add_argument("--n", type=int, default=20_000, help="hits per sample")
    parser.add_argument("--batch", type=int, default=2, help="hits a turn of the loop")
    parser.add_argument("--samples", type=int, default=7)
    args = parser.parse_args()
    front, slugs = inprocess.front(args.root)
    scope = inprocess.Scope(f"/story/{slugs[len(slugs) // 2]}/")
    front._call(front._environ(scope, None))  # now kept
    protocol = inprocess.Protocol()

    async def hits(n: int) -> None:
        loop = asyncio.get_running_loop()
        for _ in range(n // args.batch):
            for _ in range(args.batch):
                loop.create_task(front.__rsgi__(scope, protocol))
            await asyncio.sleep(0)  # the hits run
            await asyncio.sleep(0)  # their log lines are written

    uvloop.run(hits(2_000))
    assert protocol.status == 200
    samples = []
    for _ in range(args.samples):
        started = time.process_time()
        uvloop.run(hits(args.n))
        samples.append((time.process_time() - started) / args.n * 1e6)
    print(
        f"{args.root}, {args.batch} a turn: hit median {statistics.median(samples):.2f} µs CPU "
        f"(samples {' / '.join(f'{x:.2f}' for x in samples)})",
        file=sys.__stdout__,
    )


if __name__ == "__main__":
    main()
