"""`dateline import ninjs PATH…`, `dateline import wxr FILE [--uploads DIR]` and
`dateline import page URL|FILE…` — one line
per item, then a summary; exit 0 when nothing failed, 1 when some items failed (the rest
are kept), 2 on bad usage. A WordPress or ninjs import also shows a progress bar on stderr
(items, rate, ETA)."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dateline.core.progress import Progress
from dateline.ingest.pipeline import Report
from dateline.ingest.sources import ninjs, page, wxr

FORMATS = ("ninjs", "wxr", "feed", "page")


class Command(BaseCommand):
    help = (
        "Import stories: dateline import ninjs PATH… (files or folders), "
        "dateline import wxr FILE [--uploads DIR] (a WordPress export), "
        "dateline import feed URL|FILE… (RSS or Atom, once), "
        "dateline import page URL|FILE… (web pages)."
    )

    def add_arguments(self, parser):
        parser.add_argument("format", help="Source format: " + ", ".join(FORMATS))
        parser.add_argument("sources", nargs="+", help="Files or folders.")
        parser.add_argument(
            "--uploads",
            help="wxr: a copy of the old site's wp-content/uploads, where pictures are read "
            "from before trying their URLs.",
        )
        parser.add_argument(
            "--no-progress", action="store_true", help="wxr, ninjs: no progress bar on stderr."
        )

    def handle(self, *args, **options):
        kind = options["format"]
        if kind not in FORMATS:
            raise CommandError(
                f"Unknown format {kind!r}; this version imports: {', '.join(FORMATS)}.",
                returncode=2,
            )
        report = Report(
            on_result=lambda result: self.stdout.write(result.line()), keep_results=False
        )
        if kind in ("ninjs", "page", "feed"):
            if options["uploads"]:
                raise CommandError("--uploads is for wxr imports.", returncode=2)
            if kind == "feed":
                from dateline.ingest.wire import wire_import

                wire_import(options["sources"], report=report)
            elif kind == "ninjs":
                progress = None if options["no_progress"] else Progress(sys.stderr)
                ninjs.import_paths(options["sources"], report=report, progress=progress)
            else:
                page.import_pages(options["sources"], report=report)
        else:
            if len(options["sources"]) != 1:
                raise CommandError("dateline import wxr takes one export file.", returncode=2)
            uploads = Path(options["uploads"]) if options["uploads"] else None
            progress = None if options["no_progress"] else Progress(sys.stderr)
            wxr.import_wxr(
                Path(options["sources"][0]), uploads=uploads, report=report, progress=progress
            )
        self.stdout.write(report.summary())
        if report.failed:
            sys.exit(1)
