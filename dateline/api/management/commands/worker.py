"""`dateline worker`: runs background tasks (webhook deliveries, newsletters) until stopped.
It is django-tasks-db's `db_worker` on every queue; `--batch` runs what is due and exits.
On start it queues the newsletters' daily tick and resumes a send a stopped worker left
unfinished (dateline/newsletters/schedule.py). It also refreshes the Most read ranking
every few minutes (mostread/ranking.py), and sends the purges to the cache in front that the
processes which made the changes did not (pagecache/purge.py); each once with `--batch`."""

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Run background tasks (webhook deliveries, newsletters, the Most read ranking) "
        "until stopped."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="Run what is due, then exit.")
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between polls.")

    def handle(self, *args, batch: bool, interval: float, verbosity: int, **options):
        from dateline.mostread import ranking
        from dateline.newsletters import schedule
        from dateline.pagecache import purge

        schedule.ensure()
        if batch:
            ranking.refresh_logged()
            purge.deliver_due()
        else:
            ranking.keep_refreshing()
            purge.keep_delivering()
        call_command(
            "db_worker",
            queue_name="*",
            batch=batch,
            interval=interval,
            startup_delay=not batch,
            reload=False,
            verbosity=verbosity,
        )
