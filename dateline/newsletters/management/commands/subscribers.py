"""`dateline subscribers export|delete|bounce EMAIL`: a subscriber's data on request (a
subject access request: JSON on stdout; erasure), or an address whose mail bounced for
good. Acts as the command line's actor, audited like the desk's buttons."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from dateline.newsletters import actions
from dateline.newsroom.actors import command_line_actor


class Command(BaseCommand):
    help = "Export (JSON) or delete a newsletter subscriber's data, or mark an address bounced."

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["export", "delete", "bounce"])
        parser.add_argument("email")

    def handle(self, *args, what: str, email: str, **options):
        by = command_line_actor()
        if what == "export":
            data = actions.subscriber_export(email=email, by=by)
            if data is None:
                raise CommandError("No subscriber has that address.")
            self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False))
        elif what == "delete":
            if not actions.subscriber_erase(email=email, by=by):
                raise CommandError("No subscriber has that address.")
            self.stdout.write("deleted")
        else:
            if not actions.subscriber_bounce(email=email, by=by, note="command line"):
                raise CommandError("No subscriber has that address.")
            self.stdout.write("marked bounced")
