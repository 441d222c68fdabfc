"""Where the PostgreSQL backend's CPU goes, statement by statement, as an import grows the
archive: bench/import_child.py loads this when BENCH_STATEMENT_PROFILE names a file.

Each statement's backend CPU is read from /proc/<backend pid>/schedstat (nanoseconds on a
CPU) before and after it, and added to its kind (the statement with its literals and
lists folded). Every SNAPSHOT stories (counted by the batches' `COPY "news_article"`) the
totals so far are written out, so the cost of a kind at the start of a run and at its end
can be read apart: what grows with the archive, and by how much.
"""

from __future__ import annotations

import json
import re
import time
from collections import defaultdict

_FOLD = [
    (re.compile(r"'(?:[^']|'')*'"), "?"),
    (re.compile(r"\b\d+\b"), "?"),
    (re.compile(r"%s"), "?"),
    (re.compile(r"\((?:\s*\?\s*,)+\s*\?\s*\)"), "(…)"),
    (re.compile(r"(?:\(…\)\s*,\s*)+\(…\)"), "(…)"),
    (re.compile(r"\s+"), " "),
]


def kind(sql: str) -> str:
    for pattern, replacement in _FOLD:
        sql = pattern.sub(replacement, sql)
    return sql.strip()[:160]


class Profile:
    def __init__(self, backend_pid: int, path: str, snapshot: int = 25) -> None:
        self.stat = f"/proc/{backend_pid}/schedstat"
        self.path = path
        self.snapshot = snapshot  # batches of 200 between snapshots
        self.totals: dict[str, list[float]] = defaultdict(lambda: [0, 0.0])
        self.batches = 0
        self.snapshots: list[dict] = []
        self.started = time.perf_counter()

    def _cpu(self) -> int:
        with open(self.stat) as f:
            return int(f.read().split()[0])

    def __call__(self, execute, sql, params, many, context):
        before = self._cpu()
        try:
            return execute(sql, params, many, context)
        finally:
            spent = self._cpu() - before
            entry = self.totals[kind(sql)]
            entry[0] += 1
            entry[1] += spent / 1e6
            if sql.startswith('COPY "news_article" '):
                self.batches += 1
                if self.batches % self.snapshot == 0:
                    self.write()

    def write(self) -> None:
        self.snapshots.append(
            {
                "batches": self.batches,
                "seconds": round(time.perf_counter() - self.started, 1),
                "totals": {k: [n, round(ms, 3)] for k, (n, ms) in self.totals.items()},
            }
        )
        with open(self.path, "w") as f:
            json.dump(self.snapshots, f)
