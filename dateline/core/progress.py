"""A progress bar for long commands (imports, backups, restores), on stderr."""

from __future__ import annotations


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    return (
        f"{seconds // 3600}h{seconds // 60 % 60:02d}m"
        if seconds >= 3600
        else (f"{seconds // 60}m{seconds % 60:02d}s")
    )


class Progress:
    """`[#####-----] 1,234/50,000 items · 410/s · ETA 1m58s` on stderr: redrawn in place on
    a terminal, a line every tenth of the way otherwise (logs, CI)."""

    def __init__(self, stream, noun: str = "items") -> None:
        self.stream = stream
        self.noun = noun
        self.tty = hasattr(stream, "isatty") and stream.isatty()
        self.last = 0.0
        self.step = -1

    def __call__(self, done: int, total: int, elapsed: float) -> None:
        total = max(total, done, 1)
        step = done * 10 // total
        if self.tty:
            if elapsed - self.last < 0.25 and done != total:
                return
        elif step == self.step and done != total:
            return
        self.last, self.step = elapsed, step
        rate = done / elapsed if elapsed > 0 else 0.0
        eta = (total - done) / rate if rate else 0.0
        bar = "#" * (done * 20 // total) + "-" * (20 - done * 20 // total)
        line = f"[{bar}] {done:,}/{total:,} {self.noun} · {rate:,.0f}/s · ETA {_duration(eta)}"
        self.stream.write(("\r" + line) if self.tty else line + "\n")
        if self.tty and done == total:
            self.stream.write("\n")
        self.stream.flush()
