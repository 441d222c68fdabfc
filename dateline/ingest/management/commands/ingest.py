"""`dateline ingest [--watch] [--source NAME]…` — poll the wire sources configured in admin.

Without --watch every enabled source is polled once: one line per item,
`<created|updated|unchanged|skipped|failed> <guid> <public path or reason>`, then a summary
line per source; exit 0 when nothing failed, 1 when something did (the rest is kept), 2 on
bad usage. With --watch it keeps polling, each source when its interval has passed, and
prints the same lines as it goes.

One poller at a time among all the site's servers: the command holds the site lock
`POLLER_LOCK` (a PostgreSQL advisory lock; on SQLite a file lock beside the database) while
it polls. A one-off poll that finds it held says so and exits 0, so every server may run it
from cron; a `--watch` that finds it held waits, and takes over when the holder stops.
The schedule is in the database (`Poller`), so the one that takes over keeps it.
"""

from __future__ import annotations

import sys
import time

from django.core.management.base import BaseCommand, CommandError

from dateline.core import clock
from dateline.core.locks import SiteLock
from dateline.ingest.models import WireSource
from dateline.ingest.wire import POLLER_LOCK, Poller, WireReport

# How often a waiting `--watch` tries to take over; the longest a `--watch` sleeps between
# looking at the schedule (an interval changed in admin applies within it).
STANDBY_SECONDS = 5.0
LONGEST_SLEEP = 30.0


class Command(BaseCommand):
    help = "Poll the wire sources: dateline ingest [--watch] [--source NAME]…"

    def add_arguments(self, parser):
        parser.add_argument(
            "--watch", action="store_true", help="Keep polling, each source at its interval."
        )
        parser.add_argument(
            "--source",
            action="append",
            dest="names",
            metavar="NAME",
            help="Poll only this source (may be repeated).",
        )

    def handle(self, *args, names=None, watch=False, **options):
        if names:
            known = set(WireSource.objects.filter(name__in=names).values_list("name", flat=True))
            unknown = [n for n in names if n not in known]
            if unknown:
                raise CommandError(f"No wire source named {', '.join(unknown)}.", returncode=2)
        poller = Poller(
            names=names,
            make_report=lambda: WireReport(on_result=lambda r: self.stdout.write(r.line())),
            on_report=lambda source, report: self.stdout.write(
                f"{source.name}: {report.summary()}"
            ),
        )
        lock = SiteLock(POLLER_LOCK)
        if watch:
            self._watch(poller, lock)
        if not lock.acquire():
            self.stdout.write("Another dateline ingest is polling the wire now; nothing polled.")
            return
        try:
            polled = poller.poll_every()
        finally:
            lock.release()
        if not polled:
            self.stdout.write("No enabled wire sources.")
        if any(report.failed for _, report in polled):
            sys.exit(1)

    def _watch(self, poller: Poller, lock: SiteLock) -> None:
        waiting = False
        while True:
            if not lock.held():
                if not lock.acquire():
                    if not waiting:
                        self.stdout.write(
                            "Another dateline ingest --watch is polling the wire; "
                            "waiting to take over."
                        )
                        self.stdout.flush()
                        waiting = True
                    time.sleep(STANDBY_SECONDS)
                    continue
                waiting = False
                self.stdout.write("Polling the wire (this process holds the poller lock).")
            poller.poll_due(clock.now())
            self.stdout.flush()
            pause = min(LONGEST_SLEEP, poller.seconds_to_next(clock.now()))
            time.sleep(max(1.0, pause))
