"""`dateline backup DIR`: the database (pg_dump, or SQLite's online backup) and every media
file, with a manifest of checksums (dateline/ops/backup.py). DIR must be new or empty."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dateline.core.progress import Progress
from dateline.ops.backup import BackupError, backup_make


class Command(BaseCommand):
    help = "Back the site up into DIR (new or empty): its database and its media files."

    def add_arguments(self, parser):
        parser.add_argument("dir", type=Path, help="the folder to write the backup into")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")

    def handle(self, *args, dir: Path, no_progress: bool, **options):
        progress = None if no_progress else Progress(sys.stderr, "media files")
        try:
            manifest = backup_make(folder=dir, progress=progress)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        media = sum(1 for name in manifest["files"] if name.startswith("media/"))
        self.stdout.write(
            f"backed up the {manifest['database']} database and {media} media files into {dir}"
        )
