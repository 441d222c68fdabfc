"""`dateline worker`: runs background tasks (webhook deliveries) until stopped. It is
django-tasks-db's `db_worker` on every queue; `--batch` runs what is due and exits. It
also refreshes the Most read ranking every few minutes (mostread/ranking.py), once with
`--batch`."""

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run background tasks (webhook deliveries, the Most read ranking) until stopped."

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="Run what is due, then exit.")
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between polls.")

    def handle(self, *args, batch: bool, interval: float, verbosity: int, **options):
        from dateline.mostread import ranking

        if batch:
            ranking.refresh_logged()
        else:
            ranking.keep_refreshing()
        call_command(
            "db_worker",
            queue_name="*",
            batch=batch,
            interval=interval,
            startup_delay=not batch,
            reload=False,
            verbosity=verbosity,
        )
