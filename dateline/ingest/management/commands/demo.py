"""`dateline demo` — load The Harbour Courier demo site: six sections, 48 original stories
and their pictures, ninjs files read through the same import path as any other
(dateline/ingest/demo/). Running it again changes nothing; `--if-empty` leaves a site that
already has stories alone (the Makefile's `run` target uses it). The first run also makes a
demo writer, editor and admin and prints their sign-in once (newsroom/demo_staff.py)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from dateline.ingest.demo import load
from dateline.news.models import Article
from dateline.newsroom.demo_staff import demo_staff_create


class Command(BaseCommand):
    help = "Load the demo site (The Harbour Courier). Safe to run more than once."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing if the site already has any story.",
        )

    def handle(self, *args, **options):
        if options["if_empty"]:
            count = Article.objects.count()
            if count:
                self.stdout.write(
                    f"Skipped the demo: the site already has {count} "
                    f"{'story' if count == 1 else 'stories'}."
                )
                return
        started = time.monotonic()
        verbose = options["verbosity"] > 1
        result = load(log=self.stdout.write if verbose else lambda _: None)
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo site loaded: {result.sections} sections, {result.stories} stories, "
                f"{result.pictures} pictures"
            )
        )
        self.stdout.write(
            f"New: {result.stories_created} stories, updated: {result.stories_updated}, "
            f"pictures new or changed: {result.pictures_changed} ({elapsed:.1f}s)."
        )
        made = demo_staff_create()
        if made:
            # Shown once: the passwords are kept only as hashes.
            self.stdout.write("")
            self.stdout.write("Sign in to the newsroom at /newsroom/ (passwords shown only now):")
            for name, role, password in made:
                self.stdout.write(f"  {role:<7} {name:<12} {password}")
            self.stdout.write("")
