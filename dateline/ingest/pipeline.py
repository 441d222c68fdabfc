"""What every import path shares: the result lines PRODUCT.md promises."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

CREATED, UPDATED, UNCHANGED, SKIPPED, FAILED = (
    "created",
    "updated",
    "unchanged",
    "skipped",
    "failed",
)


@dataclass
class ItemResult:
    outcome: str
    source_id: str
    detail: str = ""
    notes: list[str] = field(default_factory=list)

    def line(self) -> str:
        detail = self.detail
        if self.notes:
            detail = f"{detail} ({'; '.join(self.notes)})" if detail else "; ".join(self.notes)
        return f"{self.outcome} {self.source_id or '-'} {detail}".rstrip()


@dataclass
class Report:
    results: list[ItemResult] = field(default_factory=list)
    # Called with each result as it is added, so a long import shows its progress.
    on_result: Callable[[ItemResult], None] | None = None
    # The command line prints each result as it comes and needs only the counts after: it
    # keeps no list, so a million-post import does not hold a million results.
    keep_results: bool = True
    counts: dict[str, int] = field(
        default_factory=lambda: {k: 0 for k in (CREATED, UPDATED, UNCHANGED, SKIPPED, FAILED)}
    )

    def add(self, result: ItemResult) -> ItemResult:
        if self.keep_results:
            self.results.append(result)
        self.counts[result.outcome] += 1
        if self.on_result is not None:
            self.on_result(result)
        return result

    @property
    def failed(self) -> int:
        return self.counts[FAILED]

    def summary(self) -> str:
        return ", ".join(f"{n} {k}" for k, n in self.counts.items())
