"""`dateline restore DIR [--replace]`: the site from a backup `dateline backup` made.

The backup is checked whole first (every file against its checksum). An install that
already holds stories, pictures, users or media files is refused, with what it holds,
unless --replace says to replace it."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dateline.core.progress import Progress
from dateline.ops.backup import BackupError, restore_apply


class Command(BaseCommand):
    help = "Restore the site from a backup in DIR (made by `dateline backup`)."

    def add_arguments(self, parser):
        parser.add_argument("dir", type=Path, help="the folder holding the backup")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="replace this site's database and media even when it is not empty",
        )

    def handle(self, *args, dir: Path, replace: bool, no_progress: bool, **options):
        progress = None if no_progress else Progress(sys.stderr, "media files")
        try:
            done = restore_apply(folder=dir, replace=replace, progress=progress)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"restored the {done['database']} database and {done['media']} media files "
            f"backed up at {done['created']}"
        )
        self.stdout.write(
            "next: `dateline migrate` (a backup from an older Dateline), then restart "
            "`dateline serve` on every server: pages they keep in memory are the old site's"
        )
