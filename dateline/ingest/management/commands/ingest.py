"""`dateline ingest [--watch] [--source NAME]…` — poll the wire sources configured in admin.

Without --watch every enabled source is polled once: one line per item,
`<created|updated|unchanged|skipped|failed> <guid> <public path or reason>`, then a summary
line per source; exit 0 when nothing failed, 1 when something did (the rest is kept), 2 on
bad usage. With --watch it keeps polling, each source when its interval has passed, and
prints the same lines as it goes.
"""

from __future__ import annotations

import sys
import time

from django.core.management.base import BaseCommand, CommandError

from dateline.ingest.models import WireSource
from dateline.ingest.wire import Poller, WireReport


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
        if watch:
            while True:
                poller.poll_due(time.monotonic())
                self.stdout.flush()
                time.sleep(max(1.0, poller.seconds_to_next(time.monotonic())))
        polled = poller.poll_due(time.monotonic())
        if not polled:
            self.stdout.write("No enabled wire sources.")
        if any(report.failed for _, report in polled):
            sys.exit(1)
