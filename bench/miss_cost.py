#!/usr/bin/env python
"""What an uncached article request costs, in-process, through `dateline serve`'s front:
the same path as bench/wrk/uncached.lua (a different story and a unique query string each
request, so every one is a page-cache miss that renders, hashes and stores), counted in
ways a loaded machine does not move.

    DATELINE_VAR_DIR=/tmp/x .venv/bin/python bench/miss_cost.py [--root TREE] [--n 200]
        [--profile OUT.pstats] [--hits]

- prints the process CPU per miss (and, with --hits, per page-cache hit on the loop);
- `--profile` writes a cProfile of the N misses (read it with pstats, or compare two trees'
  with bench/miss_cost.py --compare A.pstats B.pstats);
- under `valgrind --tool=callgrind`, the difference between the instruction counts of a run
  with `--n N` and one with `--n 0` (the same warm-up) is N misses' instructions: the
  figure to compare across commits on a busy machine.
`--root` runs another source tree (e.g. `git worktree add /tmp/old a24533f`) with this
virtualenv, on the same site (the stories of bench/load_stories.py).
"""

from __future__ import annotations

import argparse
import asyncio
import time
from pathlib import Path

import inprocess


def compare(a: str, b: str, top: int) -> None:
    """Per-function cumulative time per call site, tree A against tree B, largest growth
    first (functions keyed by file tail and name, so two trees' paths line up)."""
    import pstats

    def load(path):
        stats = pstats.Stats(path).stats
        out = {}
        for (file, _line, name), (_cc, nc, tt, ct, _callers) in stats.items():
            tail = "/".join(Path(file).parts[-3:])
            key = f"{tail}:{name}"
            prev = out.get(key, (0, 0.0, 0.0))
            out[key] = (prev[0] + nc, prev[1] + tt, prev[2] + ct)
        return out

    sa, sb = load(a), load(b)
    rows = []
    for key in set(sa) | set(sb):
        na, ta, ca = sa.get(key, (0, 0.0, 0.0))
        nb, tb, cb = sb.get(key, (0, 0.0, 0.0))
        rows.append((cb - ca, key, na, nb, ca, cb, ta, tb))
    rows.sort(reverse=True)
    print(
        f"{'cum Δ s':>8} {'cum A':>8} {'cum B':>8} {'own A':>7} {'own B':>7} "
        f"{'calls A':>8} {'calls B':>8}  function"
    )
    for delta, key, na, nb, ca, cb, ta, tb in rows[:top]:
        print(f"{delta:8.3f} {ca:8.3f} {cb:8.3f} {ta:7.3f} {tb:7.3f} {na:8d} {nb:8d}  {key}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", default=str(Path(__file__).resolve().parent.parent))
    parser.add_argument("--n", type=int, default=200, help="misses measured")
    parser.add_argument(
        "--stories", type=int, default=0, help="cycle through this many stories (0: all)"
    )
    parser.add_argument("--profile", help="write a cProfile of the measured misses here")
    parser.add_argument("--hits", action="store_true", help="also N × 20 hits on the loop")
    parser.add_argument(
        "--gc",
        choices=("on", "freeze", "off"),
        default="on",
        help="the collector as the server has it (on), or after gc.freeze() of the warm heap",
    )
    parser.add_argument("--compare", nargs=2, metavar="PSTATS")
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args()
    if args.compare:
        compare(*args.compare, args.top)
        return
    front, slugs = inprocess.front(args.root)
    if args.stories:
        slugs = slugs[:: max(1, len(slugs) // args.stories)][: args.stories]
    count = [0]

    def miss():
        count[0] += 1
        scope = inprocess.Scope(f"/story/{slugs[count[0] % len(slugs)]}/", f"bench=cpu-{count[0]}")
        status, _, _ = front._call(front._environ(scope, None))
        assert status == 200, status

    # Warm-up: every story once (the memos, the compiled templates, SQLite's pages), so the
    # measured misses are a live server's, not a fresh process's.
    for _ in range(len(slugs)):
        miss()
    if args.n == 0:
        return
    import gc

    if args.gc == "freeze":
        gc.freeze()
    elif args.gc == "off":
        gc.disable()
    collected = {0: [0, 0.0], 1: [0, 0.0], 2: [0, 0.0]}
    clock = [0.0]

    def on_gc(phase, info):
        if phase == "start":
            clock[0] = time.process_time()
        else:
            collected[info["generation"]][0] += 1
            collected[info["generation"]][1] += time.process_time() - clock[0]

    gc.callbacks.append(on_gc)
    profile = None
    if args.profile:
        import cProfile

        profile = cProfile.Profile()
        profile.enable()
    started = time.process_time()
    for _ in range(args.n):
        miss()
    cpu = time.process_time() - started
    gc.callbacks.remove(on_gc)
    print(
        f"gc ({args.gc}, {len(gc.get_objects())} tracked objects): "
        + ", ".join(
            f"gen{g} {c} × = {t / args.n * 1000:.3f} ms a miss" for g, (c, t) in collected.items()
        )
    )
    if profile:
        profile.disable()
        profile.dump_stats(args.profile)
    print(
        f"tree {args.root}: {args.n} misses, {cpu / args.n * 1000:.3f} ms CPU each"
        + (" (under cProfile)" if profile else "")
    )
    if args.hits:
        hit_scope = inprocess.Scope(f"/story/{slugs[len(slugs) // 2]}/")
        front._call(front._environ(hit_scope, None))  # now kept
        protocol = inprocess.Protocol()

        async def hits(n):
            for _ in range(n):
                await front.__rsgi__(hit_scope, protocol)

        asyncio.run(hits(1000))
        started = time.process_time()
        asyncio.run(hits(args.n * 20))
        cpu = time.process_time() - started
        print(f"hit: {cpu / (args.n * 20) * 1e6:.1f} µs CPU each")


if __name__ == "__main__":
    main()
