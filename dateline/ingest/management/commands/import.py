"""`dateline import ninjs PATH…` — one line per item, then a summary; exit 0 when nothing
failed, 1 when some items failed (the rest are kept), 2 on bad usage."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError

from dateline.ingest.pipeline import Report
from dateline.ingest.sources import ninjs

FORMATS = {"ninjs": ninjs.import_paths}


class Command(BaseCommand):
    help = "Import stories: dateline import ninjs PATH… (files or folders)."

    def add_arguments(self, parser):
        parser.add_argument("format", help="Source format: " + ", ".join(FORMATS))
        parser.add_argument("sources", nargs="+", help="Files or folders.")

    def handle(self, *args, **options):
        importer = FORMATS.get(options["format"])
        if importer is None:
            raise CommandError(
                f"Unknown format {options['format']!r}; "
                f"this version imports: {', '.join(FORMATS)}.",
                returncode=2,
            )
        report = Report(on_result=lambda result: self.stdout.write(result.line()))
        importer(options["sources"], report=report)
        self.stdout.write(report.summary())
        if report.failed:
            sys.exit(1)
